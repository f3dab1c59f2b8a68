// What an inference request did, as values handed back up: each attempt returns its result, the
// attempts return the request's, and the handler hands that to settling, the metrics and the access
// line. Nothing below the handler writes to anything shared; each object is filled in only by the
// code that made it (an attempt by its relay, a request's by the attempt loop) and read-only after.
import type { IdempotencyResult } from '../idempotency/metrics.js';
import type { RouterError } from '../openai/errors.js';
import type { Endpoint } from '../routing/endpoint.js';

export interface AttemptResult {
  readonly pool: string;
  readonly replica: string;
  /** The x-request-id sent to the replica: the request's id and a suffix unique to this attempt. */
  readonly upstreamId: string;
  /** Picked in panic mode: no replica of the pool was healthy and under its limits. */
  readonly panic: boolean;
  /** `ok`, `client_abort`, or the error kind the attempt ended with. */
  readonly outcome: string;
  readonly status: number | null;
  readonly ms: number;
  /** From sending the attempt to its first byte: the first streamed event, or the response headers. */
  readonly firstByteMs: number | null;
  /** The client has this attempt's answer (a whole response, or a stream's first content): it cannot be retried. */
  readonly committed: boolean;
  /**
   * What it ended with when not `ok` or `client_abort`: before commit, the failure the next attempt
   * may recover from; after, the error event a committed stream ended with.
   */
  readonly error: RouterError | null;
  /** From the request's arrival to the first streamed event sent to the client. */
  readonly ttftMs: number | null;
  /** The engine's usage, when it reported it. */
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
  /** Prompt tokens the engine served from its prompt cache (a part of promptTokens); null when it did not say. */
  readonly cachedPromptTokens: number | null;
  /** What this attempt cost in nano-USD (src/cost/), from the engine's usage and its pool's prices; null without either. */
  readonly costNanoUsd: number | null;
  /** Content events relayed to the client: the tokens generated so far when no usage arrives (counted only when metered). */
  readonly streamedTokens: number;
}

/** What one inference request did, whether or not its plan was carried out. */
export interface RequestResult {
  readonly endpoint: Endpoint;
  /** False until the body was parsed. */
  readonly stream: boolean;
  /** The configured alias, never unchecked client text; null when the model was not found (or not read). */
  readonly model: string | null;
  /** The request's class, when its alias classifies. */
  readonly complexity: string | null;
  /** The tier of the last attempt (after spills and fallbacks), else the plan's; null before a plan. */
  readonly tier: string | null;
  /** Why that tier (the x-switchyard-reason header). */
  readonly reason: string | null;
  readonly attempts: readonly AttemptResult[];
  /** The attempt whose answer the client got; null when none did (then `error` says why). */
  readonly answer: AttemptResult | null;
  /**
   * What the request cost in nano-USD (1e-9 USD, an integer): the sum of its attempts' costs; null when
   * no attempt had one (no usage reported, or no prices configured for the pools that served it).
   */
  readonly costNanoUsd: number | null;
  /** What ended a request without an answer: the error to render, or the client leaving (ClientGone). */
  readonly error: unknown;
  /** Who answered: an engine (through the attempts), the response cache, an idempotent replay, or the router itself (count_tokens). */
  readonly served: 'engine' | 'cache' | 'replay' | 'router';
  /** The response cache's part (x-switchyard-cache); null when the alias has no cache. */
  readonly cache: 'hit' | 'miss' | 'bypass' | null;
  /** What an Idempotency-Key did (src/idempotency/metrics.ts); absent when the request sent none. */
  readonly idempotency?: IdempotencyResult;
  /**
   * What the key's budget was charged (src/budgets/meter.ts), when a key was metered: with no usage
   * from an engine (a stream cut, a client that left) an estimate, so the access line says it apart
   * from the engine's counts. Absent for an unmetered request.
   */
  readonly charged?: { readonly tokens: number; readonly nanoUsd: number };
}

/** Writable only for the code that builds the result; everyone else gets the readonly view. */
export type Draft<T> = { -readonly [K in keyof T]: T[K] };

const NO_ATTEMPTS: readonly AttemptResult[] = Object.freeze([]);

/** A request that ended before its plan was carried out: what was known by then, and why it ended. */
export function endedEarly(
  endpoint: Endpoint,
  stream: boolean,
  model: string | null,
  plan: { readonly complexity: string | null; readonly tier: { readonly name: string }; readonly reason: string } | null,
  error: unknown,
): RequestResult {
  return {
    endpoint,
    stream,
    model,
    complexity: plan?.complexity ?? null,
    tier: plan?.tier.name ?? null,
    reason: plan?.reason ?? null,
    attempts: NO_ATTEMPTS,
    answer: null,
    costNanoUsd: null,
    error,
    served: 'engine',
    cache: null,
  };
}

/** The sum of the attempts' costs; null when none had one. */
export function requestCost(attempts: readonly AttemptResult[]): number | null {
  let total: number | null = null;
  for (const attempt of attempts) if (attempt.costNanoUsd !== null) total = (total ?? 0) + attempt.costNanoUsd;
  return total;
}

/** The time spent waiting on replicas, summed over attempts; the rest of a request is the router's own. */
export function upstreamMs(result: RequestResult): number {
  let ms = 0;
  for (const attempt of result.attempts) ms += attempt.ms;
  return ms;
}

/** The pool and replica of the last attempt: the one whose headers the client got. */
export function lastAttempt(result: RequestResult): AttemptResult | null {
  return result.attempts[result.attempts.length - 1] ?? null;
}
