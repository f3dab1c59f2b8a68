// Helpers the simulator's tests share: server options, requests over real HTTP, and polling /metrics
// for a state (tests assert counts and states, never durations).

import { SIM_DEFAULTS } from '../config/defaults.js';
import type { SimFaults } from '../config/types.js';
import type { SimServer, SimServerOptions } from './server.js';

export const MODEL = 'sim-test-model';

export const INSTANT: SimServerOptions = {
  ...SIM_DEFAULTS,
  servedModel: MODEL,
  ttftMs: 0,
  tokensPerSecond: 0,
  defaultMaxTokens: 12,
};
/** Slow enough that a request is still running when the test acts on it. */
export const SLOW: SimServerOptions = { ...INSTANT, ttftMs: 5, tokensPerSecond: 100 };

export function withFaults(base: SimServerOptions, faults: Partial<SimFaults>): SimServerOptions {
  return { ...base, faults: { ...base.faults, ...faults } };
}

export type Json = Record<string, unknown>;

export function chat(content: string, extra: Json = {}): Json {
  return { model: MODEL, messages: [{ role: 'user', content }], ...extra };
}

export function postRaw(sim: SimServer, path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(sim.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  });
}

export async function postJson(sim: SimServer, path: string, body: unknown): Promise<{ status: number; json: Json }> {
  const res = await postRaw(sim, path, body);
  return { status: res.status, json: (await res.json()) as Json };
}

/** Reads a body to its end or until the connection is cut. */
export async function readBody(res: Response): Promise<{ text: string; cut: boolean }> {
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const chunk = await reader?.read();
      if (chunk === undefined || chunk.done) return { text, cut: false };
      text += decoder.decode(chunk.value as Uint8Array, { stream: true });
    }
  } catch {
    return { text, cut: true };
  }
}

export async function metrics(sim: SimServer): Promise<string> {
  return (await fetch(`${sim.url}/metrics`)).text();
}

/** The value of the series whose line starts with `series` (name plus labels), NaN when absent. */
export function metricValue(text: string, series: string): number {
  const found = text.split('\n').find((line) => line.startsWith(`${series} `));
  return found === undefined ? Number.NaN : Number(found.slice(series.length + 1));
}

/** vLLM series of the test model. */
export const vllm = {
  running: `vllm:num_requests_running{model_name="${MODEL}"}`,
  waiting: `vllm:num_requests_waiting{model_name="${MODEL}"}`,
  kvCache: `vllm:kv_cache_usage_perc{model_name="${MODEL}"}`,
  aborted: `vllm:request_success_total{finished_reason="abort",model_name="${MODEL}"}`,
} as const;

/** Polls /metrics until `predicate` holds; throws after a bounded number of tries. */
export async function waitForMetrics(sim: SimServer, what: string, predicate: (text: string) => boolean): Promise<string> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const text = await metrics(sim);
    if (predicate(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`metrics never showed: ${what}\n${await metrics(sim)}`);
}

/** The `code` of a failed fetch's cause (ECONNREFUSED, …), or undefined. */
export function causeCode(error: unknown): unknown {
  const cause = error instanceof Error ? error.cause : undefined;
  return typeof cause === 'object' && cause !== null && 'code' in cause ? cause.code : undefined;
}
