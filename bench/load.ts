// The load generator for `npm run bench`: a closed loop (N requests over C connections, for
// throughput) and an open loop at a fixed rate (for latency). It runs in the bench's own process on a
// 2-core machine next to the servers it measures, so it stays lean: one undici Pool per target,
// pre-encoded bodies (a body with a NONCE gets a fresh number spliced in per request), bodies
// consumed chunk by chunk without decoding. Every loop is bounded in count and time.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { NONCE } from './servers.js';

export interface Target {
  readonly pool: Pool;
  readonly path: string;
  readonly headers: Record<string, string>;
  /** Request bodies, used in turn (a mix of prompts so the classifier sees every class). */
  readonly bodies: readonly Buffer[];
  /** A stream must end with `data: [DONE]` (or its API's `endMark`) to count as a success. */
  readonly stream: boolean;
  /** What a complete stream of another API than chat completions contains: its final events' types, any one of them. */
  readonly endMarks?: readonly string[];
  /** Bodies that hold a NONCE, split around it (null: sent as they are). */
  readonly templates: readonly (readonly [Buffer, Buffer] | null)[];
}

export function target(url: string, opts: Omit<Target, 'pool' | 'templates'>): Target {
  const templates = opts.bodies.map((body) => {
    const at = body.indexOf(NONCE);
    return at < 0 ? null : ([body.subarray(0, at), body.subarray(at + NONCE.length)] as const);
  });
  // Enough connections for the closed loop's concurrency and the open loop's bursts.
  return { pool: new Pool(url, { connections: 256, keepAliveTimeout: 30_000, headersTimeout: 30_000, bodyTimeout: 30_000 }), ...opts, templates };
}

/** Unique across the whole bench run (every loop, every target), and across runs sharing a Redis. */
const RUN = randomBytes(4).toString('hex');
let nonces = 0;

function bodyFor(t: Target, index: number): Buffer {
  const template = t.templates[index % t.templates.length];
  if (template === null || template === undefined) return t.bodies[index % t.bodies.length]!;
  return Buffer.concat([template[0], Buffer.from(`${RUN}-${nonces++}`), template[1]]);
}

const CHAT_END = ['data: [DONE]'];

/** One request, body read to the end; resolves true on success, never rejects. */
async function once(t: Target, index: number): Promise<boolean> {
  try {
    const { statusCode, body } = await t.pool.request({
      method: 'POST',
      path: t.path,
      headers: t.headers,
      body: bodyFor(t, index),
    });
    const marks = t.endMarks ?? CHAT_END;
    // A mark may be split between chunks: each search starts with the end of the chunks before.
    let tail = '';
    let ended = false;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (!t.stream || ended) continue;
      const text = tail + chunk.toString('latin1');
      ended = marks.some((mark) => text.includes(mark));
      tail = text.slice(-64);
    }
    return statusCode === 200 && (!t.stream || ended);
  } catch {
    return false;
  }
}

export interface ClosedResult {
  readonly ok: number;
  readonly errors: number;
  readonly seconds: number;
  /** The load generator's own CPU time (user + system), to see whether it starved the servers. */
  readonly clientCpuMicros: number;
}

/** `total` requests over `concurrency` connections, each sending its next request as soon as its last one ends. */
export async function closedLoop(t: Target, total: number, concurrency: number, maxMs = 60_000): Promise<ClosedResult> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let issued = 0;
  let ok = 0;
  let errors = 0;
  const worker = async (): Promise<void> => {
    while (issued < total && performance.now() - started < maxMs) {
      if (await once(t, issued++)) ok++;
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const used = process.cpuUsage(cpu);
  return { ok, errors, seconds: (performance.now() - started) / 1000, clientCpuMicros: used.user + used.system };
}

export interface OpenResult {
  readonly ok: number;
  readonly errors: number;
  /** Requests not sent because `maxInFlight` were open: the server could not keep up with the rate. */
  readonly skipped: number;
  /** Latencies of the successful requests, ms, sorted. */
  readonly latenciesMs: Float64Array;
}

/**
 * Requests arrive at `rate` per second for `seconds`, whatever the answers take (as real traffic
 * does). Latency runs from sending to the last byte of the body.
 */
export async function fixedRate(t: Target, rate: number, seconds: number, maxInFlight = 1000, maxMs = 60_000): Promise<OpenResult> {
  const total = Math.round(rate * seconds);
  const latencies = new Float64Array(total);
  let ok = 0;
  let errors = 0;
  let skipped = 0;
  let inFlight = 0;
  const open = new Set<Promise<void>>();
  const started = performance.now();
  for (let sent = 0; sent < total && performance.now() - started < maxMs; sent++) {
    // Due times chain from the start, so timer lateness does not lower the rate; late sends go at once.
    const wait = started + (sent * 1000) / rate - performance.now();
    if (wait > 0.5) await sleep(wait);
    if (inFlight >= maxInFlight) {
      skipped++;
      continue;
    }
    inFlight++;
    const sentAt = performance.now();
    const request: Promise<void> = once(t, sent).then((success) => {
      if (success) latencies[ok++] = performance.now() - sentAt;
      else errors++;
      inFlight--;
      open.delete(request);
    });
    open.add(request);
  }
  await Promise.all(open);
  return { ok, errors, skipped, latenciesMs: latencies.slice(0, ok).sort() };
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
