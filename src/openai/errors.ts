// The one error type of the router and the one table that says how each kind is rendered.
// Everything that can go wrong in a request becomes a RouterError with a stable `kind`; only the
// error middleware (and, after commit, the SSE relay) turns it into OpenAI's error envelope.

/** Whose fault it is: a log field and a metric label, so operators can tell our faults from others'. */
export type ErrorOrigin = 'caller' | 'policy' | 'upstream' | 'router';

interface ErrorSpec {
  readonly origin: ErrorOrigin;
  readonly status: number;
  /** OpenAI's `error.type`. */
  readonly type: string;
  /** OpenAI's `error.code`; stable, so clients can branch on it. */
  readonly code: string | null;
}

export const ERROR_TABLE = {
  invalid_json: { origin: 'caller', status: 400, type: 'invalid_request_error', code: 'invalid_json' },
  invalid_request: { origin: 'caller', status: 400, type: 'invalid_request_error', code: 'invalid_request' },
  body_too_large: { origin: 'caller', status: 413, type: 'invalid_request_error', code: 'request_too_large' },
  /** A body sent as something other than JSON (text/plain, a form). */
  unsupported_media_type: { origin: 'caller', status: 415, type: 'invalid_request_error', code: 'unsupported_media_type' },
  model_not_found: { origin: 'caller', status: 404, type: 'invalid_request_error', code: 'model_not_found' },
  missing_api_key: { origin: 'caller', status: 401, type: 'invalid_request_error', code: 'missing_api_key' },
  invalid_api_key: { origin: 'caller', status: 401, type: 'invalid_request_error', code: 'invalid_api_key' },
  key_disabled: { origin: 'policy', status: 403, type: 'permission_error', code: 'key_disabled' },
  model_not_allowed: { origin: 'policy', status: 403, type: 'permission_error', code: 'model_not_allowed' },
  tier_not_allowed: { origin: 'policy', status: 403, type: 'permission_error', code: 'tier_not_allowed' },
  /** A per-minute or concurrency limit: waiting helps (Retry-After says how long). */
  rate_limit_exceeded: { origin: 'policy', status: 429, type: 'requests', code: 'rate_limit_exceeded' },
  /** A day, month or lifetime budget is spent: waiting a moment does not help. */
  insufficient_quota: { origin: 'policy', status: 429, type: 'insufficient_quota', code: 'insufficient_quota' },
  budget_store_unavailable: { origin: 'router', status: 503, type: 'server_error', code: 'budget_store_unavailable' },
  admin_disabled: { origin: 'policy', status: 403, type: 'permission_error', code: 'admin_disabled' },
  invalid_admin_token: { origin: 'caller', status: 401, type: 'authentication_error', code: 'invalid_admin_token' },
  key_not_found: { origin: 'caller', status: 404, type: 'invalid_request_error', code: 'key_not_found' },
  /** POST /admin/keys with an id already taken. */
  key_exists: { origin: 'caller', status: 409, type: 'invalid_request_error', code: 'key_exists' },
  /** PATCH /admin/keys/{id}: the key kept changing under the update (other writes to it at the same time). */
  key_conflict: { origin: 'caller', status: 409, type: 'invalid_request_error', code: 'key_conflict' },
  /** A key declared in router.yaml: the file is its source of truth, so the admin API may not change it. */
  key_read_only: { origin: 'caller', status: 409, type: 'invalid_request_error', code: 'key_read_only' },
  config_invalid: { origin: 'caller', status: 400, type: 'invalid_request_error', code: 'config_invalid' },
  not_found: { origin: 'caller', status: 404, type: 'invalid_request_error', code: 'not_found' },
  method_not_allowed: { origin: 'caller', status: 405, type: 'invalid_request_error', code: 'method_not_allowed' },
  /** An Expect header other than 100-continue (RFC 9110 10.1.1). */
  expectation_failed: { origin: 'caller', status: 417, type: 'invalid_request_error', code: 'expectation_failed' },
  /** The request's head or body did not arrive within server.headersTimeoutMs / bodyTimeoutMs. */
  request_timeout: { origin: 'caller', status: 408, type: 'invalid_request_error', code: 'request_timeout' },
  /** The request's head is over server.maxHeaderBytes. */
  headers_too_large: { origin: 'caller', status: 431, type: 'invalid_request_error', code: 'headers_too_large' },
  /** Bytes that are not an HTTP/1.1 request. */
  bad_request: { origin: 'caller', status: 400, type: 'invalid_request_error', code: 'bad_request' },
  unsupported_endpoint: { origin: 'caller', status: 400, type: 'invalid_request_error', code: 'unsupported_endpoint' },
  /** A valid field or value of the client's API that the router does not implement (Responses' background, hosted tools, …). */
  unsupported_parameter: { origin: 'caller', status: 400, type: 'invalid_request_error', code: 'unsupported_parameter' },
  /** GET, DELETE or input_items of a stored response that is not there for this key (expired, deleted, another key's). */
  response_not_found: { origin: 'caller', status: 404, type: 'invalid_request_error', code: 'response_not_found' },
  /** A previous_response_id that names no stored response of this key. */
  previous_response_not_found: { origin: 'caller', status: 400, type: 'invalid_request_error', code: 'previous_response_not_found' },
  /** The Responses store (Redis) did not answer: stored responses cannot be read or deleted right now. */
  response_store_unavailable: { origin: 'router', status: 503, type: 'server_error', code: 'response_store_unavailable' },
  /** An Idempotency-Key header that is not one sf-string or bare token of 1 to 255 characters. */
  invalid_idempotency_key: { origin: 'caller', status: 400, type: 'invalid_request_error', code: 'invalid_idempotency_key' },
  /** An Idempotency-Key already used with another request body within its TTL (the IETF draft's 422). */
  idempotency_key_reused: { origin: 'caller', status: 422, type: 'invalid_request_error', code: 'idempotency_key_reused' },
  /** The request that first used this Idempotency-Key is still running (the IETF draft's 409). */
  idempotency_key_in_use: { origin: 'caller', status: 409, type: 'invalid_request_error', code: 'idempotency_key_in_use' },
  /** `Cache-Control: only-if-cached`, and the response cache has no answer to give (RFC 9111 section 5.2.1.7: a 504). */
  not_cached: { origin: 'caller', status: 504, type: 'invalid_request_error', code: 'not_cached' },
  /** An engine answered 4xx: its status is kept and its message passed on, normalised. */
  upstream_rejected: { origin: 'upstream', status: 400, type: 'invalid_request_error', code: null },
  /** An engine refused the router's own credentials: a configuration fault, not the client's. */
  upstream_auth_failed: { origin: 'upstream', status: 502, type: 'server_error', code: 'upstream_auth_failed' },
  /**
   * An engine does not know the model (or Azure deployment) the pool sends: a configuration fault, not
   * the client's (its request named an alias). Tried on another pool; the replica is not held to blame.
   */
  upstream_misconfigured: { origin: 'upstream', status: 502, type: 'server_error', code: 'upstream_misconfigured' },
  upstream_error: { origin: 'upstream', status: 502, type: 'server_error', code: 'upstream_error' },
  upstream_unreachable: { origin: 'upstream', status: 502, type: 'server_error', code: 'upstream_unreachable' },
  upstream_timeout: { origin: 'upstream', status: 504, type: 'server_error', code: 'upstream_timeout' },
  /**
   * A limit on how long an answer may take ran out (the request's deadline, a pool's
   * responseTimeoutMs): the generation was long, the replica not broken, so it is neither retried
   * nor held against the replica. Clients see upstream_timeout's code.
   */
  generation_timeout: { origin: 'upstream', status: 504, type: 'server_error', code: 'upstream_timeout' },
  upstream_overloaded: { origin: 'upstream', status: 503, type: 'server_error', code: 'upstream_overloaded' },
  /** The response failed after its first byte reached the client (rendered as an SSE error event). */
  stream_interrupted: { origin: 'upstream', status: 502, type: 'server_error', code: 'stream_interrupted' },
  no_replica: { origin: 'router', status: 503, type: 'server_error', code: 'no_replica_available' },
  shutting_down: { origin: 'router', status: 503, type: 'server_error', code: 'shutting_down' },
  internal: { origin: 'router', status: 500, type: 'server_error', code: 'internal_error' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorKind = keyof typeof ERROR_TABLE;

export interface RouterErrorOptions {
  /** The request field at fault (OpenAI's `error.param`). */
  readonly param?: string | null;
  /** Overrides the table's status (engine 4xx statuses are kept as they were). */
  readonly status?: number;
  /** Overrides the table's OpenAI type or code (an engine's own code, when it has a useful one). */
  readonly type?: string;
  readonly code?: string | null;
  /** Extra response headers (Allow, Retry-After, x-should-retry, …). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The underlying failure, for the log only; never rendered to the client. */
  readonly cause?: unknown;
  /** How long the replica asked not to be sent requests (its Retry-After). */
  readonly retryAfterMs?: number | null;
  /** The error object's members after OpenAI's four: an engine's own, passed on with its rejection (Azure's innererror). */
  readonly members?: Readonly<Record<string, unknown>> | null;
}

export class RouterError extends Error {
  readonly kind: ErrorKind;
  readonly origin: ErrorOrigin;
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly retryAfterMs: number | null;
  readonly members: Readonly<Record<string, unknown>> | null;

  constructor(kind: ErrorKind, message: string, options: RouterErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const spec: ErrorSpec = ERROR_TABLE[kind];
    this.name = 'RouterError';
    this.kind = kind;
    this.origin = spec.origin;
    this.status = options.status ?? spec.status;
    this.type = options.type ?? spec.type;
    this.code = options.code === undefined ? spec.code : options.code;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.members = options.members ?? null;
  }

  /** The same error naming its parameter otherwise (another API's name for the same field), in its message too. */
  renamingParam(param: string): RouterError {
    const message = this.param === null ? this.message : this.message.replaceAll(`'${this.param}'`, `'${param}'`);
    return new RouterError(this.kind, message, {
      param,
      status: this.status,
      type: this.type,
      code: this.code,
      headers: this.headers,
      cause: this.cause,
      retryAfterMs: this.retryAfterMs,
      members: this.members,
    });
  }

  /** The same error with more response headers. */
  withHeaders(headers: Readonly<Record<string, string>>): RouterError {
    return new RouterError(this.kind, this.message, {
      param: this.param,
      status: this.status,
      type: this.type,
      code: this.code,
      headers: { ...this.headers, ...headers },
      cause: this.cause,
      retryAfterMs: this.retryAfterMs,
      members: this.members,
    });
  }
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null; [member: string]: unknown };
}

export function errorBody(error: RouterError): OpenAIErrorBody {
  const body = { message: error.message, type: error.type, param: error.param, code: error.code };
  // An engine's members come after the four, as it wrote them (they never name one of the four: engine-errors.ts).
  return { error: error.members === null ? body : { ...body, ...error.members } };
}

/** Anything thrown that is not a RouterError is our bug: the client gets a generic 500, no internals. */
export function asRouterError(thrown: unknown): RouterError {
  if (thrown instanceof RouterError) return thrown;
  return new RouterError('internal', 'The router failed to handle this request.', { cause: thrown });
}
