// Server processes for `npm run bench`: each server runs in its own process so its CPU time can be
// read from /proc on its own. Output goes to a file (never a pipe the bench would have to drain,
// which would cost the load generator CPU); readiness is read back from that file. Every process
// started here is stopped by its own PID, on success, on errors and on SIGINT.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  /** What `ready` extracted from the output, usually the URL. */
  readonly url: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
export const logDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, almost always 100). */
export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** The command line for a project entry point: compiled JS from dist/ when present, else the TS source via tsx. */
export function entry(tsPath: string, jsPath: string): string[] {
  return existsSync(jsPath) ? [jsPath] : ['--import', 'tsx', tsPath];
}

export async function startServer(opts: {
  name: string;
  command?: string;
  args: string[];
  env?: Record<string, string | undefined>;
  /** Returns the URL (or any marker) once the output shows the server is ready. */
  ready: (output: string) => string | undefined;
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const logFile = join(logDir, `${opts.name.replace(/\W+/g, '-')}.log`);
  const fd = openSync(logFile, 'w');
  const child = spawn(opts.command ?? process.execPath, opts.args, { env: opts.env ?? process.env, stdio: ['ignore', fd, fd] });
  closeSync(fd); // The child holds its own copy.
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.once('error', () => {}); // Shows up below as an exit before ready.
  const stop = (): Promise<void> => terminate(child);
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    const output = readHead(logFile);
    const url = opts.ready(output);
    if (url !== undefined && child.pid !== undefined) return { name: opts.name, pid: child.pid, url, logFile, stop };
    const dead = child.exitCode !== null || child.signalCode !== null;
    if (dead || Date.now() > deadline) {
      await stop();
      throw new Error(`${opts.name} ${dead ? `exited (${child.exitCode ?? child.signalCode})` : 'timed out'} before it was ready:\n${output.slice(-2000)}`);
    }
    await sleep(50);
  }
}

/** The first 64 KB of a log: startup lines are all that readiness needs. */
function readHead(file: string): string {
  try {
    return readFileSync(file, { encoding: 'utf8', flag: 'r' }).slice(0, 65_536);
  } catch {
    return '';
  }
}

/** User + system CPU time of a process so far, in microseconds (all its threads: GC, libuv pool). */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces: count fields from after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime (field 14) + stime (field 15)
  return (ticks * 1e6) / CLK_TCK;
}

/** Resident set size in MB, from VmRSS. */
export function rssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** Stops every child still running (SIGTERM, then SIGKILL), and removes the logs. */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map(terminate));
  rmSync(logDir, { recursive: true, force: true });
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(killer);
}

// A bench that dies anyway (an exception, process.exit) must not leave servers behind.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(logDir, { recursive: true, force: true });
});
