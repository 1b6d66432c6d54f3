/**
 * The processes of a local cluster: started with their output in a log file, stopped exactly (by pid, checked
 * against the command line they were started with), and reported with the tail of their log when they die.
 *
 * Two lifetimes: `attached` processes (the test suites) get the kernel's parent-death signal (`setpriv
 * --pdeathsig`), so nothing outlives the test process even when it is killed; `detached` ones (`npm run cluster --
 * up`) outlive the command that started them and are stopped by `down`, from the state file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';

export interface ProcessSpec {
  /** Short name for messages and the log file, e.g. `kube-apiserver`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly logFile: string;
  readonly cwd?: string;
}

export interface StartedProcess {
  readonly name: string;
  readonly pid: number;
  readonly command: string;
  readonly logFile: string;
}

/** A component that died or failed a check: the message carries the tail of its log. */
export class ComponentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ComponentError';
  }
}

export function logTail(logFile: string, lines = 25): string {
  if (!existsSync(logFile)) return '(no log)';
  const size = statSync(logFile).size;
  const text = readFileSync(logFile, 'utf8').slice(Math.max(0, size - 64 * 1024));
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

const setprivAvailable = (() => {
  let cached: boolean | undefined;
  return () => (cached ??= ['/usr/bin/setpriv', '/bin/setpriv'].some((p) => existsSync(p)));
})();

/**
 * Starts a process with stdout and stderr in its log file. `attached`: it dies with this process (SIGTERM via
 * the parent-death signal, where util-linux `setpriv` exists). `detached`: it has its own session and survives.
 */
export function startProcess(spec: ProcessSpec, mode: 'attached' | 'detached'): { started: StartedProcess; child: ChildProcess } {
  const out = openSync(spec.logFile, 'a');
  const useSetpriv = mode === 'attached' && setprivAvailable();
  const [command, args] = useSetpriv ? ['setpriv', ['--pdeathsig', 'SIGTERM', '--', spec.command, ...spec.args]] : [spec.command, [...spec.args]];
  const child = spawn(command, args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    stdio: ['ignore', out, out],
    detached: mode === 'detached',
  });
  closeSync(out);
  if (child.pid === undefined) throw new ComponentError(`${spec.name} could not be started (${spec.command})`);
  if (mode === 'detached') child.unref();
  return { started: { name: spec.name, pid: child.pid, command: spec.command, logFile: spec.logFile }, child };
}

/** True while `pid` runs the binary it was started as (a reused pid is not ours). */
export function isRunning(p: Pick<StartedProcess, 'pid' | 'command'>): boolean {
  try {
    const cmdline = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8');
    if (!cmdline.split('\0').some((arg) => arg === p.command)) return false;
    const stat = readFileSync(`/proc/${p.pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat); // a zombie has exited
  } catch {
    return false;
  }
}

/**
 * Stops the processes one at a time in reverse start order (the API server shuts down in about a second while
 * etcd still answers, and hangs for ten when etcd goes first): SIGTERM, then SIGKILL after `graceMs`.
 */
export async function stopProcesses(processes: readonly StartedProcess[], graceMs = 10_000): Promise<void> {
  const left: StartedProcess[] = [];
  for (const p of [...processes].reverse()) {
    if (!isRunning(p)) continue;
    signal(p.pid, 'SIGTERM');
    if (await exited(p, graceMs)) continue;
    signal(p.pid, 'SIGKILL');
    if (!(await exited(p, 5_000))) left.push(p);
  }
  if (left.length) throw new ComponentError(`could not stop ${left.map((p) => `${p.name} (pid ${p.pid})`).join(', ')}`);
}

async function exited(p: StartedProcess, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isRunning(p)) {
    if (Date.now() > deadline) return false;
    await delay(20);
  }
  return true;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A free TCP port on 127.0.0.1 (the kernel picks it; nothing else listens anywhere else). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Waits until `check` resolves true, polling every `intervalMs`; fails with `describe()` (what the objects say)
 * when the deadline passes or a watched process dies (with the tail of its log).
 */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  opts: {
    timeoutMs: number;
    intervalMs?: number;
    watch?: readonly StartedProcess[];
    describe?: () => Promise<string> | string;
    /** Errors of `check` that end the wait at once (others count as "not yet"). */
    fatal?: (err: unknown) => boolean;
  },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const dead = (opts.watch ?? []).find((p) => !isRunning(p));
    if (dead) throw new ComponentError(`${dead.name} exited while waiting for ${what}; the end of ${dead.logFile}:\n${logTail(dead.logFile)}`);
    try {
      if (await check()) return;
      lastError = undefined;
    } catch (err) {
      if (opts.fatal?.(err)) throw err;
      lastError = err;
    }
    if (Date.now() > deadline) {
      const state = opts.describe ? await Promise.resolve(opts.describe()).catch((e) => `(could not describe: ${(e as Error).message})`) : '';
      throw new ComponentError(
        `timed out after ${Math.round(opts.timeoutMs / 1000)} s waiting for ${what}` +
          (lastError ? `; last error: ${(lastError as Error).message}` : '') +
          (state ? `\n${state}` : ''),
      );
    }
    await delay(opts.intervalMs ?? 200);
  }
}
