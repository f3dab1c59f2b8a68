// A native answer (src/proxy/native/) as a cache entry: the bytes its client got (native-recording.ts,
// the recording idempotency keeps too), the API they are in, and its stop said in chat terms, so the
// rules of eligibility.ts decide for both kinds alike: a Response `completed` and a Message's ordinary
// stops are `stop`; an `incomplete` Response cut by max_output_tokens and a Message at max_tokens are
// `length` (kept only when the client set the limit and no strict budget capped it); anything the
// answer does not stand by — a content filter, a refusal, a Message cut by the context window, a
// Response `failed` or of no known status — is `content_filter`, never kept. Read once per stored
// answer, on the miss path of native requests only.
import type { NativeApi } from '../config/types.js';
import { foldMessages } from '../idempotency/fold-messages.js';
import { finalResponse } from '../idempotency/native-replay.js';
import type { NativeRecording } from '../proxy/native/native-recording.js';
import type { RequestResult } from '../proxy/results.js';
import type { CacheEntry } from './entry.js';

const NEVER = 'content_filter';
const MESSAGE_STOPS: Readonly<Record<string, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  tool_use: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
};

/** The entry of a complete native answer; null when the recording is not complete or the answer not `ok`. */
export function nativeEntry(result: RequestResult, recording: NativeRecording, api: NativeApi, nowMs: number): CacheEntry | null {
  const { answer } = result;
  const body = recording.body();
  if (body === null || answer === null || answer.outcome !== 'ok' || result.model === null || result.tier === null) return null;
  const stream = recording.stream;
  return {
    endpoint: result.endpoint,
    native: api,
    kind: stream ? 'sse' : 'json',
    status: 200,
    createdMs: nowMs,
    alias: result.model,
    tier: result.tier,
    pool: answer.pool,
    usage: answer.promptTokens === null ? null : { prompt: answer.promptTokens, cached: answer.cachedPromptTokens, completion: answer.completionTokens ?? 0 },
    costNanoUsd: answer.costNanoUsd,
    finish: [nativeStop(api, stream, body)],
    parts: [body],
  };
}

/** The answer's stop in chat terms (see the header). */
export function nativeStop(api: NativeApi, stream: boolean, body: Buffer): string {
  const object = stream ? (api === 'responses' ? finalResponse(body) : foldMessages(body)) : body;
  const answer = object === null ? null : parseObject(object);
  if (answer === null) return NEVER;
  if (api === 'messages') {
    const reason = answer['stop_reason'];
    return typeof reason === 'string' ? (MESSAGE_STOPS[reason] ?? NEVER) : NEVER;
  }
  if (answer['status'] === 'completed') return 'stop';
  if (answer['status'] !== 'incomplete') return NEVER;
  const details = answer['incomplete_details'];
  const reason = typeof details === 'object' && details !== null ? (details as Record<string, unknown>)['reason'] : null;
  return reason === 'max_output_tokens' ? 'length' : NEVER;
}

function parseObject(body: Buffer): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
