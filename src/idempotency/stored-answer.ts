// Which answers a retry is given again, as the bytes a store keeps (src/cache/entry.ts's encoding).
// Kept: a complete 200 answer (a JSON body, or a stream that reached [DONE]), and an engine's refusal
// of the request itself (a 4xx other than 408, 409 and 429), which the same body would get again.
// Not kept, so a retry really runs again: the router's own refusals (they come before the claim, or
// are load: 429, 503), 5xx, timeouts, a stream cut short, a client that left.
import { encodeEntry, type CacheEntry } from '../cache/entry.js';
import type { Recorder } from '../cache/recorder.js';
import { errorBody, RouterError } from '../openai/errors.js';
import { lastAttempt, type RequestResult } from '../proxy/results.js';
import type { StoredAnswer } from './record.js';

/** Statuses a client may retry with hope: the answer must not be replayed to it. */
const RETRYABLE_4XX: ReadonlySet<number> = new Set([408, 409, 429]);

/** The answer to keep for retries, or null when the key must be let go. */
export function answerToStore(result: RequestResult, recorder: Recorder, nowMs: number, maxBytes: number): StoredAnswer | null {
  if (result.answer !== null) {
    // The recorder may be the response cache's, bound by the larger of the two limits: this one still applies.
    if (recorder.recordedBytes > maxBytes) return null;
    const entry = recorder.entry(result, nowMs);
    return entry === null ? null : { status: entry.status, bytes: encodeEntry(entry) };
  }
  const { error } = result;
  if (!(error instanceof RouterError) || error.kind !== 'upstream_rejected' || RETRYABLE_4XX.has(error.status)) return null;
  if (error.status < 400 || error.status > 499 || result.model === null || result.tier === null) return null;
  const body = Buffer.from(JSON.stringify(errorBody(error)));
  if (body.length > maxBytes) return null;
  const entry: CacheEntry = {
    endpoint: result.endpoint,
    kind: 'json',
    status: error.status,
    createdMs: nowMs,
    alias: result.model,
    tier: result.tier,
    pool: lastAttempt(result)?.pool ?? '',
    usage: null,
    costNanoUsd: null,
    finish: [],
    parts: [body],
  };
  return { status: error.status, bytes: encodeEntry(entry) };
}
