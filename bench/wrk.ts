// Runs Debian's wrk (`apt-get install wrk`) for `npm run bench -- --wrk`: one thread, 64 connections,
// pinned by taskset to the load core, with bench/wrk-chat.lua, whose done() prints the summary and
// the latency percentiles (wrk's own histogram, µs) on one WRK_RESULT line that is parsed here.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logDir } from './processes.js';

const SCRIPT = fileURLToPath(new URL('wrk-chat.lua', import.meta.url));
export const WRK_BIN = process.env['WRK_BIN'] ?? 'wrk';
export const CONNECTIONS = 64;

export interface WrkRun {
  readonly url: string;
  /** The core wrk is pinned to. */
  readonly core: number;
  readonly bodies: readonly Buffer[];
  readonly authorization?: string;
  readonly seconds: number;
  /** Mean think time per connection, ms (0: saturation). */
  readonly thinkMs?: number;
}

export interface WrkResult {
  readonly requests: number;
  readonly seconds: number;
  /** Socket errors (connect, read, write, timeout) and non-2xx/3xx answers. */
  readonly errors: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

let bodyFiles = 0;

export function runWrk(run: WrkRun): Promise<WrkResult> {
  const bodies = join(logDir, `wrk-bodies-${bodyFiles++}.jsonl`);
  writeFileSync(bodies, run.bodies.map((b) => b.toString('utf8')).join('\n') + '\n');
  const args = [
    '-c',
    String(run.core),
    WRK_BIN,
    '-t1',
    `-c${CONNECTIONS}`,
    `-d${run.seconds}s`,
    '--timeout',
    '30s',
    '--latency',
    '-s',
    SCRIPT,
    run.url,
    '--',
    bodies,
    run.authorization ?? '-',
    String(run.thinkMs ?? 0),
    // Bodies with a NONCE (servers.ts) get this and a request counter: unique across runs too.
    randomBytes(6).toString('hex'),
  ];
  return new Promise((resolve, reject) => {
    execFile('taskset', args, { timeout: (run.seconds + 60) * 1000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      const line = /^WRK_RESULT (.*)$/m.exec(stdout)?.[1];
      if (error !== null || line === undefined) {
        reject(new Error(`wrk failed: ${error?.message ?? 'no WRK_RESULT line'}\n${stdout.slice(-1000)}${stderr.slice(-1000)}`));
        return;
      }
      const field = (name: string): number => Number(new RegExp(`\\b${name}=([\\d.]+)`).exec(line)?.[1] ?? NaN);
      resolve({
        requests: field('requests'),
        seconds: field('duration_us') / 1e6,
        errors: field('connect') + field('read') + field('write') + field('status') + field('timeout'),
        p50Ms: field('p50_us') / 1000,
        p90Ms: field('p90_us') / 1000,
        p99Ms: field('p99_us') / 1000,
        p999Ms: field('p999_us') / 1000,
        maxMs: field('max_us') / 1000,
      });
    });
  });
}

/** Mean think time that makes CONNECTIONS closed-loop connections offer about `rate` requests a second. */
export const thinkTimeFor = (rate: number, expectedLatencyMs = 1): number => Math.max(1, (CONNECTIONS * 1000) / rate - expectedLatencyMs);
