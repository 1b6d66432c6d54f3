/** Runs the real CLI entry in-process and captures its output. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { main } from '../../cli/main';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    const code = await main(args, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
    return { code, stdout, stderr };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** A CLI run in its own process (for signals, locks, OS errors): the sources through ts-node, no build needed. */
export interface CliProcessRun extends CliRun {
  /** The signal that ended the process, if one did. */
  readonly signal: NodeJS.Signals | null;
}

const REPO = resolve(__dirname, '..', '..');

/** The node arguments that run the CLI from source with `args`. */
export function cliProcessArgs(args: readonly string[]): string[] {
  const boot =
    `require(${JSON.stringify(`${REPO}/node_modules/ts-node`)}).register({ swc: true, transpileOnly: true, project: ${JSON.stringify(`${REPO}/tsconfig.json`)} });` +
    `require(${JSON.stringify(`${REPO}/cli/main.ts`)}).main(process.argv.slice(1)).then((c) => process.exit(c), (e) => { console.error(e); process.exit(99); });`;
  return ['-e', boot, ...args];
}

/** Runs the CLI in a child process (async: a test may act while it runs). */
export function runCliProcess(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number; command?: readonly string[] } = {},
): Promise<CliProcessRun> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...(options.env ?? {}) })) if (v !== undefined) env[k] = v;
  const [cmd, ...prefix] = options.command ?? [process.execPath];
  const child = spawn(cmd, [...prefix, ...(options.command ? [process.execPath] : []), ...cliProcessArgs(args)], { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, signal, stdout, stderr });
    }),
  );
}
