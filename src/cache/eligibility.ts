// What may be cached: the request (the alias opted in, the client's Cache-Control, deterministic
// sampling when the alias asks for it) and the answer (complete, successful, not filtered, not cut by
// a limit the key does not carry). The recorder already keeps only complete answers; these are the
// rules on top.
import type { ModelCacheConfig } from '../config/types.js';
import type { InferenceRequest } from '../routing/inference-request.js';
import type { CacheEntry } from './entry.js';

/** What the client's Cache-Control asks of the cache (RFC 9111 section 5.2.1 request directives). */
export interface ClientDirectives {
  /** `no-cache` (or `max-age=0`): do not answer from the cache (the answer may still be stored). */
  readonly lookup: boolean;
  /** `no-store`: neither read nor write. */
  readonly store: boolean;
  /** `max-age=N` (N > 0): the oldest stored answer, in whole seconds, the client takes; null: any fresh one. */
  readonly maxAgeSeconds: number | null;
  /** `only-if-cached`: a stored answer or a 504, never an engine's (RFC 9111 section 5.2.1.7). */
  readonly onlyIfCached: boolean;
}

const ALL: ClientDirectives = { lookup: true, store: true, maxAgeSeconds: null, onlyIfCached: false };
const NO_LOOKUP: ClientDirectives = { lookup: false, store: true, maxAgeSeconds: null, onlyIfCached: false };
const NEITHER: ClientDirectives = { lookup: false, store: false, maxAgeSeconds: null, onlyIfCached: false };
const DIRECTIVE = /(?:^|,)\s*(no-cache|no-store|max-age|only-if-cached)\s*(?:=\s*("[^"]*"|[^,]*))?\s*(?=,|$)/gi;

/** Reads the header (node joins repeated headers with ", "); unknown directives are ignored, as RFC 9111 says. */
export function clientDirectives(header: string | undefined): ClientDirectives {
  if (header === undefined || header === '') return ALL;
  let noStore = false;
  let noCache = false;
  let onlyIfCached = false;
  let maxAge: number | null = null;
  for (const match of header.matchAll(DIRECTIVE)) {
    const name = match[1]!.toLowerCase();
    if (name === 'no-store') noStore = true;
    else if (name === 'no-cache') noCache = true;
    else if (name === 'only-if-cached') onlyIfCached = true;
    else {
      // delta-seconds (RFC 9111 1.2.2), quoted or not; an invalid value is ignored. The smallest of several wins.
      const digits = /^"?(\d+)"?$/.exec(match[2]?.trim() ?? '');
      if (digits !== null) maxAge = Math.min(maxAge ?? Infinity, Number(digits[1]));
    }
  }
  // max-age=0: no stored answer is young enough (a cache would revalidate; this one has nothing to revalidate with).
  const read = noStore ? NEITHER : noCache || maxAge === 0 ? NO_LOOKUP : maxAge === null ? ALL : { ...ALL, maxAgeSeconds: maxAge };
  return onlyIfCached ? { ...read, onlyIfCached } : read;
}

/**
 * Whether a stored answer may be served: within the alias's ttlMs as configured now (a reload that
 * shortens it applies to entries stored before), and the client's max-age.
 */
export function fresh(createdMs: number, nowMs: number, ttlMs: number, directives: ClientDirectives): boolean {
  const ageMs = nowMs - createdMs;
  if (ageMs > ttlMs) return false;
  return directives.maxAgeSeconds === null || Math.floor(ageMs / 1000) <= directives.maxAgeSeconds;
}

/** Whether the answer is the same every time, as far as the request says: temperature 0 or a fixed seed. */
export function isDeterministic(request: InferenceRequest): boolean {
  if (request.endpoint === 'embeddings') return true;
  const { temperature, seed } = request.body;
  return temperature === 0 || (typeof seed === 'number' && Number.isInteger(seed));
}

/** The request's side: null when it may use the cache, else why not (the bypass's reason, for the log). */
export function requestBypass(config: ModelCacheConfig, request: InferenceRequest, directives: ClientDirectives): string | null {
  if (!directives.lookup && !directives.store) return 'no-store';
  if (config.deterministicOnly && !isDeterministic(request)) return 'not-deterministic';
  return null;
}

/**
 * The answer's side. `capped`: the router put an output cap on the upstream body (strict budgets),
 * which depends on the key's budget, not on the request: a "length" stop then is not the request's answer.
 */
export function storable(entry: CacheEntry, request: InferenceRequest, capped: boolean): boolean {
  if (entry.status !== 200) return false;
  // Every generated choice ends with a finish reason: an answer without one (a stream of [DONE] alone,
  // a reason that stayed null) did not finish. Embeddings have none.
  if (entry.endpoint !== 'embeddings' && entry.finish.length === 0) return false;
  for (const reason of entry.finish) {
    // Only the reasons of an answer that ended as asked: not content_filter, not vLLM's abort (a request
    // ended in the engine), nor one the router does not know or could not read (it may be either).
    if (!FINISHED.has(reason)) return false;
    if (reason === 'length' && (capped || !setsOutputLimit(request))) return false;
  }
  return true;
}

/** Finish reasons of OpenAI's API (function_call its older one) and TGI's own (eos_token, stop_sequence). */
const FINISHED: ReadonlySet<string> = new Set(['stop', 'length', 'tool_calls', 'function_call', 'eos_token', 'stop_sequence']);

/**
 * A length stop is the request's own answer only when the client set the limit (it is then in the key);
 * otherwise it came from an engine default or the context window, and must not be served for ever
 * (HKUDS/LightRAG pull 3446 cached truncated answers).
 */
function setsOutputLimit(request: InferenceRequest): boolean {
  const { body } = request;
  return typeof body['max_tokens'] === 'number' || typeof body['max_completion_tokens'] === 'number';
}
