// Errors in Anthropic's envelope and statuses (https://docs.claude.com/en/api/errors; @anthropic-ai/sdk
// 1.16.0 src/resources/shared.ts ErrorResponse: {type:"error", error:{type, message}, request_id}, and
// src/core/error.ts, which picks the SDK's error class from the status: 529 OverloadedError, 413
// ContentTooLargeError, 429 RateLimitError, …). One row per router error kind: the table `satisfies`
// Record<ErrorKind, …>, so a kind added to src/openai/errors.ts cannot ship without its Anthropic form.
import type { ServerResponse } from 'node:http';
import { ERROR_TABLE, type ErrorKind, type RouterError } from '../../openai/errors.js';

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error'
  | 'timeout_error'
  | 'conflict_error';

interface Row {
  /** Anthropic's type; `by-status` derives it from the error's own status (an engine's 4xx, admin kinds). */
  readonly type: AnthropicErrorType | 'by-status';
  /** A status of Anthropic's instead of the router's (529 for overload); absent: the error's own. */
  readonly status?: number;
}

const INVALID: Row = { type: 'invalid_request_error' };
const AUTH: Row = { type: 'authentication_error' };
const PERMISSION: Row = { type: 'permission_error' };
const NOT_FOUND: Row = { type: 'not_found_error' };
const API: Row = { type: 'api_error' };
const TIMEOUT: Row = { type: 'timeout_error' };
const RATE: Row = { type: 'rate_limit_error' };
const BY_STATUS: Row = { type: 'by-status' };
/** Anthropic's "overloaded": the SDK's OverloadedError, retried by it and by Claude Code. */
const OVERLOADED: Row = { type: 'overloaded_error', status: 529 };

export const ANTHROPIC_ERRORS = {
  invalid_json: INVALID,
  invalid_request: INVALID,
  body_too_large: { type: 'request_too_large' },
  unsupported_media_type: INVALID,
  model_not_found: NOT_FOUND,
  missing_api_key: AUTH,
  invalid_api_key: AUTH,
  key_disabled: PERMISSION,
  model_not_allowed: PERMISSION,
  tier_not_allowed: PERMISSION,
  rate_limit_exceeded: RATE,
  insufficient_quota: RATE,
  budget_store_unavailable: API,
  admin_disabled: PERMISSION,
  invalid_admin_token: AUTH,
  key_not_found: NOT_FOUND,
  key_exists: { type: 'conflict_error' },
  key_conflict: { type: 'conflict_error' },
  key_read_only: { type: 'conflict_error' },
  config_invalid: INVALID,
  not_found: NOT_FOUND,
  method_not_allowed: INVALID,
  expectation_failed: INVALID,
  request_timeout: INVALID,
  headers_too_large: INVALID,
  bad_request: INVALID,
  unsupported_endpoint: INVALID,
  unsupported_parameter: INVALID,
  response_not_found: NOT_FOUND,
  previous_response_not_found: INVALID,
  response_store_unavailable: API,
  invalid_idempotency_key: INVALID,
  idempotency_key_reused: INVALID,
  idempotency_key_in_use: { type: 'conflict_error' },
  not_cached: TIMEOUT,
  upstream_rejected: BY_STATUS,
  upstream_auth_failed: API,
  upstream_misconfigured: API,
  upstream_error: API,
  upstream_unreachable: API,
  upstream_timeout: TIMEOUT,
  generation_timeout: TIMEOUT,
  upstream_overloaded: OVERLOADED,
  stream_interrupted: API,
  no_replica: OVERLOADED,
  shutting_down: API,
  internal: API,
} as const satisfies Record<ErrorKind, Row>;

export interface AnthropicError {
  readonly status: number;
  readonly type: AnthropicErrorType;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Waiting does not refill a spent budget: the SDK obeys x-should-retry (src/client.ts shouldRetry). */
const NO_RETRY = { 'x-should-retry': 'false' } as const;

export function anthropicError(error: RouterError): AnthropicError {
  const row: Row = ANTHROPIC_ERRORS[error.kind];
  const status = row.status ?? error.status;
  const type = row.type === 'by-status' ? typeOfStatus(status) : row.type;
  let message = error.message;
  // The router's own text names only the bearer header; Messages clients may send either.
  if (error.kind === 'missing_api_key') message = 'No API key was provided: send it in an x-api-key header or as Authorization: Bearer <key>.';
  const headers = error.kind === 'insufficient_quota' ? { ...NO_RETRY, ...error.headers } : error.headers;
  return { status, type, message, headers };
}

export function typeOfStatus(status: number): AnthropicErrorType {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 409:
      return 'conflict_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

export function anthropicErrorBody(error: Pick<AnthropicError, 'type' | 'message'>, requestId: string): string {
  return `{"type":"error","error":{"type":${JSON.stringify(error.type)},"message":${JSON.stringify(error.message)}},"request_id":${JSON.stringify(requestId)}}`;
}

/** An error before anything was written: Anthropic's status, envelope and request-id header. */
export function writeAnthropicError(res: ServerResponse, error: RouterError, requestId: string): void {
  const mapped = anthropicError(error);
  const body = anthropicErrorBody(mapped, requestId);
  res.statusCode = mapped.status;
  for (const [name, value] of Object.entries(mapped.headers)) res.setHeader(name, value);
  res.setHeader('request-id', requestId);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

/** OpenAI error code → the router's kind (codes are unique but for the two timeouts, which map alike). */
const KIND_OF_CODE: ReadonlyMap<string, ErrorKind> = new Map(
  (Object.entries(ERROR_TABLE) as [ErrorKind, { readonly code: string | null }][]).flatMap(([kind, spec]) => (spec.code === null ? [] : [[spec.code, kind] as const])),
);

interface ErrorData {
  readonly message?: unknown;
  readonly code?: unknown;
}

/** What an OpenAI error body (a relay's error event, a replayed error answer) says, in Anthropic's words. */
export function errorFromChat(data: string, status: number | null): { type: AnthropicErrorType; message: string } {
  let message = status === null ? 'The stream failed.' : 'The request failed.';
  let code: unknown = null;
  try {
    const parsed = JSON.parse(data) as ErrorData & { error?: ErrorData };
    const error: ErrorData = typeof parsed.error === 'object' && parsed.error !== null ? parsed.error : parsed;
    if (typeof error.message === 'string') message = error.message;
    code = error.code;
  } catch {
    // Not JSON: the generic message stands.
  }
  const kind = typeof code === 'string' ? KIND_OF_CODE.get(code) : undefined;
  if (kind !== undefined) {
    const row: Row = ANTHROPIC_ERRORS[kind];
    if (row.type !== 'by-status') return { type: row.type, message };
  }
  return { type: status === null ? 'api_error' : typeOfStatus(status), message };
}

/** A committed stream's failure: Anthropic's `event: error` (ant1's stream parser throws APIError on it). */
export function streamErrorFromChat(data: string): string {
  const { type, message } = errorFromChat(data, null);
  return `event: error\ndata: {"type":"error","error":{"type":${JSON.stringify(type)},"message":${JSON.stringify(message)}}}\n\n`;
}
