// What one request did, filled in along the way and read once at the end by the access log and the
// request metrics. One plain object per request; nothing else is allocated for observability.
import type { ErrorKind, ErrorOrigin } from '../openai/errors.js';

export interface AttemptRecord {
  readonly pool: string;
  readonly replica: string;
  /** The x-request-id sent to the replica: the request's id and a suffix unique to this attempt. */
  readonly upstreamId: string;
  /** `ok` or the error kind the attempt ended with. */
  outcome: string;
  status: number | null;
  ms: number;
  /** From sending the attempt to its first byte: the first streamed event, or the response headers. */
  firstByteMs: number | null;
  /** Picked in panic mode: no replica of the pool was healthy and under its limits. */
  panic?: true;
}

export interface RequestRecord {
  readonly requestId: string;
  /** performance.now() when the request arrived. */
  readonly startedAt: number;
  endpoint: string | null;
  model: string | null;
  tier: string | null;
  /** The request's class, when its alias classifies. */
  complexity: string | null;
  /** Why this tier (the x-switchyard-reason header). */
  reason: string | null;
  pool: string | null;
  replica: string | null;
  stream: boolean;
  /** `ok`, `client_abort`, or the error kind. */
  outcome: string;
  errorKind: ErrorKind | null;
  errorOrigin: ErrorOrigin | null;
  errorMessage: string | null;
  /** Time to the first streamed event sent to the client. */
  ttftMs: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  /** Content events relayed to the client: the tokens generated so far when no usage arrives. */
  streamedTokens: number;
  /** The API key the request was made with, by id. */
  keyId: string | null;
  /** Time spent waiting on replicas, summed over attempts; the rest is the router's own overhead. */
  upstreamMs: number;
  attempts: AttemptRecord[];
}

export function newRequestRecord(requestId: string, startedAt: number): RequestRecord {
  return {
    requestId,
    startedAt,
    endpoint: null,
    model: null,
    tier: null,
    complexity: null,
    reason: null,
    pool: null,
    replica: null,
    stream: false,
    outcome: 'ok',
    errorKind: null,
    errorOrigin: null,
    errorMessage: null,
    ttftMs: null,
    promptTokens: null,
    completionTokens: null,
    streamedTokens: 0,
    keyId: null,
    upstreamMs: 0,
    attempts: [],
  };
}
