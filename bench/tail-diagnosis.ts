// What a server does during one load window, for `npm run bench -- --wrk --tail`: its garbage
// collections (from --trace-gc lines in its log), its CPU profile (--cpu-prof, samples cut to the
// window), its event-loop delay (bench/loop-delay.ts, loaded with --import) and the CPU of each of
// its threads (/proc/<pid>/task: the main thread against V8's GC workers and libuv's pool).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLK_TCK } from './processes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// --- garbage collections ---------------------------------------------------------------------

export interface GcSummary {
  readonly scavenges: number;
  readonly scavengeMs: number;
  readonly markCompacts: number;
  readonly markCompactMs: number;
  /** Main-thread incremental marking steps between mark-compacts (reported with the mark-compact). */
  readonly markingStepsMs: number;
  /** The longest pauses, ms, longest first, with their kind. */
  readonly longest: readonly { kind: string; ms: number }[];
  /** Old-space-and-more heap after the last collection, MB. */
  readonly heapAfterMb: number;
}

// [pid:isolate]  1234 ms: Scavenge 12.9 (14.2) -> 12.4 (18.2) MB, 1.05 / 0.00 ms  (...)
// [pid:isolate]  1234 ms: Mark-Compact 30.1 (45.2) -> 20.0 (44.0) MB, 12.3 / 0.01 ms  (+ 5.2 ms in 30 steps ...)
const GC_LINE =
  /\d+ ms: (Scavenge|Mark-Compact(?: \(reduce\))?|Mark-Sweep|Minor Mark-Compact) [\d.]+ \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB, ([\d.]+) \/ [\d.]+ ms(?:\s+\(\+ ([\d.]+) ms in \d+ steps)?/;

/** The --trace-gc lines a log gained between two byte offsets. */
export function gcBetween(logFile: string, fromByte: number, toByte: number): GcSummary {
  const text = readFileSync(logFile).subarray(fromByte, toByte).toString('utf8');
  let scavenges = 0;
  let scavengeMs = 0;
  let markCompacts = 0;
  let markCompactMs = 0;
  let markingStepsMs = 0;
  let heapAfterMb = NaN;
  const pauses: { kind: string; ms: number }[] = [];
  for (const line of text.split('\n')) {
    const match = GC_LINE.exec(line);
    if (match === null) continue;
    const [, kind = '', after = '', pause = '', steps] = match;
    const ms = Number(pause);
    heapAfterMb = Number(after);
    pauses.push({ kind, ms });
    if (kind === 'Scavenge') {
      scavenges++;
      scavengeMs += ms;
    } else {
      markCompacts++;
      markCompactMs += ms;
      markingStepsMs += Number(steps ?? 0);
    }
  }
  pauses.sort((a, b) => b.ms - a.ms);
  return { scavenges, scavengeMs, markCompacts, markCompactMs, markingStepsMs, longest: pauses.slice(0, 5), heapAfterMb };
}

export const fileSize = (file: string): number => statSync(file).size;

// --- access lines ----------------------------------------------------------------------------

export interface AccessSummary {
  readonly lines: number;
  /** Percentiles (50, 90, 99, 99.9) in ms of: arrival to last byte; time in attempts (sending to the engine to its last byte); the rest. */
  readonly durationMs: readonly number[];
  readonly upstreamMs: readonly number[];
  readonly ownMs: readonly number[];
}

const PERCENTILES = [50, 90, 99, 99.9];

/**
 * Switchyard's access lines (README, Observability) written between two byte offsets: how much of a
 * request's time the router saw, and how much of that it spent waiting on the engine. Lines are
 * flushed in batches, so the window's edges are approximate.
 */
export function accessBetween(logFile: string, fromByte: number, toByte: number): AccessSummary {
  const text = readFileSync(logFile).subarray(fromByte, toByte).toString('utf8');
  const duration: number[] = [];
  const upstream: number[] = [];
  const own: number[] = [];
  for (const line of text.split('\n')) {
    if (!line.endsWith('"msg":"request"}')) continue;
    let entry: { durationMs?: unknown; attempts?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue; // cut at the window's edge
    }
    if (typeof entry.durationMs !== 'number' || !Array.isArray(entry.attempts)) continue;
    let attemptsMs = 0;
    for (const attempt of entry.attempts as { ms?: unknown }[]) if (typeof attempt.ms === 'number') attemptsMs += attempt.ms;
    duration.push(entry.durationMs);
    upstream.push(attemptsMs);
    own.push(entry.durationMs - attemptsMs);
  }
  const at = (values: number[]): number[] => {
    values.sort((a, b) => a - b);
    return PERCENTILES.map((p) => values[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? NaN);
  };
  return { lines: duration.length, durationMs: at(duration), upstreamMs: at(upstream), ownMs: at(own) };
}

// --- event-loop delay ------------------------------------------------------------------------

export interface LoopDelay {
  readonly sequence: number;
  readonly count: number;
  readonly minMs: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

/** Asks the server's loop-delay module for its histogram since the last ask (SIGUSR2) and waits for it. */
export async function takeLoopDelay(pid: number, file: string, previous: number): Promise<LoopDelay> {
  process.kill(pid, 'SIGUSR2');
  for (let tries = 0; tries < 100; tries++) {
    try {
      const snapshot = JSON.parse(readFileSync(file, 'utf8')) as LoopDelay;
      if (snapshot.sequence > previous) return snapshot;
    } catch {
      // Not written yet, or caught mid-write.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no event-loop delay snapshot from ${pid} in ${file}`);
}

// --- threads ---------------------------------------------------------------------------------

/**
 * CPU µs so far of the main thread and of all other threads together (V8's GC helpers and compilers,
 * libuv's pool, which writes the log file): Node 20 names every thread "node", so they cannot be told apart.
 */
export function threadCpu(pid: number): { main: number; other: number } {
  const out = { main: 0, other: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // The thread ended.
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const micros = ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLK_TCK;
    if (tid === String(pid)) out.main += micros;
    else out.other += micros;
  }
  return out;
}

// --- CPU profile -----------------------------------------------------------------------------

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
  /** Sampled µs in the window (idle excluded). */
  readonly busyUs: number;
  /** µs by where the code lives: the router (dist/), the bench's own servers, each package, node:, GC, native. */
  readonly byArea: readonly { area: string; us: number }[];
  /** The functions with the most self time, all areas. */
  readonly top: readonly { name: string; area: string; us: number }[];
  /** The router's own functions with the most self time. */
  readonly topOwn: readonly { name: string; area: string; us: number }[];
}

function areaOf(url: string, name: string): string {
  if (url === '') {
    if (name === '(garbage collector)') return 'GC (main thread)';
    if (name === '(idle)') return 'idle';
    if (name === '(program)') return 'V8/native (program)';
    return 'native builtins';
  }
  if (url.startsWith('node:')) return 'node internals';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/.][^/]*)\//.exec(url);
  if (url.includes('node_modules/.cache/switchyard-bench/')) return 'bench server (own code)';
  if (packageMatch !== null) return packageMatch[1]!;
  if (url.includes(`${ROOT}dist/`) || url.includes('/dist/')) return 'router (dist/)';
  return 'other';
}

const OWN = new Set(['router (dist/)', 'bench server (own code)']);

/** Self time of the samples taken between two CLOCK_MONOTONIC instants (µs, as V8's profile clock). */
export function summariseProfile(file: string, fromUs: number, toUs: number): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (t < fromUs || t > toUs) continue;
    const weight = profile.timeDeltas[i + 1] ?? 0; // the time until the next sample
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + weight);
  }
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, { name: string; area: string; us: number }>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const frame = nodes.get(id)!.callFrame;
    const area = areaOf(frame.url, frame.functionName);
    if (area === 'idle') continue;
    busyUs += us;
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    const file = frame.url.replace(/^file:\/\//, '').replace(ROOT, '');
    const name = `${frame.functionName || '(anonymous)'}${file === '' ? '' : ` ${file}:${frame.lineNumber + 1}`}`;
    const entry = byFunction.get(name) ?? { name, area, us: 0 };
    entry.us += us;
    byFunction.set(name, entry);
  }
  const functions = [...byFunction.values()].sort((a, b) => b.us - a.us);
  return {
    busyUs,
    byArea: [...byArea].map(([area, us]) => ({ area, us })).sort((a, b) => b.us - a.us),
    top: functions.slice(0, 15),
    topOwn: functions.filter((f) => OWN.has(f.area)).slice(0, 12),
  };
}

/** The one .cpuprofile a process wrote into its own directory. */
export function profileIn(dir: string): string {
  const files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
  if (files.length !== 1) throw new Error(`expected one .cpuprofile in ${dir}, found ${files.length}`);
  return join(dir, files[0]!);
}

/** CLOCK_MONOTONIC now, in µs: the clock of V8's profile timestamps on Linux. */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);
