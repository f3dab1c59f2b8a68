// Which answers a retry is given again, as the bytes a store keeps (kept-answer.ts's encoding).
// Kept: a complete 200 answer (a JSON body, or a stream that reached its end: [DONE] for chat, the
// API's own end for a native answer), and an engine's refusal of the request itself (a 4xx other than
// 408, 409 and 429), which the same body would get again. Not kept, so a retry really runs again: the
// router's own refusals (they come before the claim, or are load: 429, 503), 5xx, timeouts, a stream
// cut short, a client that left.
import { entryBytes, type CacheEntry } from '../cache/entry.js';
import type { HitCopy } from '../cache/hit.js';
import type { Recorder } from '../cache/recorder.js';
import { servedEntry } from '../cache/replay.js';
import type { NativeApi } from '../config/types.js';
import { errorBody, RouterError } from '../openai/errors.js';
import type { ReplayState } from '../protocols/protocol.js';
import type { NativeRecording } from '../proxy/native/native-recording.js';
import { lastAttempt, type RequestResult } from '../proxy/results.js';
import { encodeKept } from './kept-answer.js';
import type { StoredAnswer } from './record.js';

/** What a request's answer was copied into: the chat recorder, or the native recording (and its API) when a pool answered natively. */
export interface Recorded {
  readonly recorder: Recorder | null;
  readonly native: { readonly recording: NativeRecording; readonly api: NativeApi } | null;
  /** The answer format's replay state (protocols/protocol.ts), for a chat answer. */
  readonly state: ReplayState | null;
}

/** Statuses a client may retry with hope: the answer must not be replayed to it. */
const RETRYABLE_4XX: ReadonlySet<number> = new Set([408, 409, 429]);

/** The answer to keep for retries, or null when the key must be let go. */
export function answerToStore(result: RequestResult, recorded: Recorded, nowMs: number, maxBytes: number): StoredAnswer | null {
  const { answer } = result;
  if (answer !== null) {
    const body = recorded.native?.recording.body() ?? null;
    if (recorded.native !== null && body !== null) {
      // Answered natively (the chat recorder was failed by the native relay): the client's bytes.
      // The recording may be shared with the response cache, bound by the larger of the two limits: this one still applies.
      if (answer.outcome !== 'ok' || result.tier === null || body.length > maxBytes) return null;
      const meta = { api: recorded.native.api, stream: recorded.native.recording.stream, createdMs: nowMs, tier: result.tier, pool: answer.pool };
      return { status: 200, bytes: encodeKept({ kind: 'native', meta, body }) };
    }
    const { recorder } = recorded;
    // The recorder may be the response cache's, bound by the larger of the two limits: this one still applies.
    if (recorder === null || recorder.recordedBytes > maxBytes) return null;
    const entry = recorder.entry(result, nowMs);
    return entry === null ? null : { status: entry.status, bytes: encodeKept({ kind: 'chat', entry, state: recorded.state }) };
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
  return { status: error.status, bytes: encodeKept({ kind: 'chat', entry, state: null }) };
}

/**
 * The answer to keep when the request was a response-cache hit: what the hit wrote (its own id and
 * created, its cost 0), so a retry replays that response rather than making another hit. Null when it
 * is over the bound or cannot be read.
 */
export function hitToStore(copy: HitCopy, state: ReplayState | null, nowMs: number, maxBytes: number): StoredAnswer | null {
  if (copy.kind === 'native') {
    const body = Buffer.from(copy.body);
    if (body.length > maxBytes) return null;
    const meta = { api: copy.api, stream: copy.stream, createdMs: nowMs, tier: copy.tier, pool: copy.pool };
    return { status: 200, bytes: encodeKept({ kind: 'native', meta, body }) };
  }
  let entry: CacheEntry;
  try {
    entry = servedEntry(copy.entry, copy.replayed, nowMs);
  } catch {
    return null;
  }
  if (entryBytes(entry) > maxBytes) return null;
  return { status: entry.status, bytes: encodeKept({ kind: 'chat', entry, state }) };
}
