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
  /** The kernel's start time of the process (/proc/<pid>/stat field 22): tells it apart from a later one with the same pid. */
  readonly startTime: string;
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
  const startTime = procStat(child.pid)?.startTime;
  if (startTime === undefined) throw new ComponentError(`${spec.name} exited at once (${spec.command}); the end of ${spec.logFile}:\n${logTail(spec.logFile)}`);
  return { started: { name: spec.name, pid: child.pid, command: spec.command, logFile: spec.logFile, startTime }, child };
}

/** State and start time of a pid from /proc/<pid>/stat, or undefined when there is no such process. */
function procStat(pid: number): { state: string; startTime: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], startTime: fields[19] };
  } catch {
    return undefined;
  }
}

/** True while the process we started runs (a zombie has exited; a reused pid has another start time). */
export function isRunning(p: Pick<StartedProcess, 'pid' | 'startTime'>): boolean {
  const stat = procStat(p.pid);
  return stat !== undefined && stat.state !== 'Z' && stat.startTime === p.startTime;
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
