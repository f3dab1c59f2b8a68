// Anthropic's error envelope and status for every router error kind (https://docs.claude.com/en/api/errors;
// ant1 = @anthropic-ai/sdk 1.16.0 src/resources/shared.ts ErrorResponse, src/core/error.ts status → class).
import t from 'tap';
import { ERROR_TABLE, RouterError, type ErrorKind } from '../../openai/errors.js';
import { ANTHROPIC_ERRORS, anthropicError, anthropicErrorBody, streamErrorFromChat } from './errors.js';

t.test('every kind has a status and a type from Anthropic’s list', (t) => {
  const types = new Set([
    'invalid_request_error',
    'authentication_error',
    'permission_error',
    'not_found_error',
    'request_too_large',
    'rate_limit_error',
    'api_error',
    'overloaded_error',
    'timeout_error',
    'conflict_error',
  ]);
  for (const kind of Object.keys(ERROR_TABLE) as ErrorKind[]) {
    const mapped = anthropicError(new RouterError(kind, 'm'));
    t.ok(types.has(mapped.type), `${kind} → ${mapped.type}`);
    t.ok(mapped.status >= 400 && mapped.status <= 599, `${kind} → ${mapped.status}`);
  }
  t.strictSame(Object.keys(ANTHROPIC_ERRORS).sort(), Object.keys(ERROR_TABLE).sort());
  t.end();
});

t.test('the rows of the design table', (t) => {
  const rows: [ErrorKind, number, string][] = [
    ['invalid_json', 400, 'invalid_request_error'],
    ['invalid_request', 400, 'invalid_request_error'],
    ['unsupported_media_type', 415, 'invalid_request_error'],
    ['method_not_allowed', 405, 'invalid_request_error'],
    ['body_too_large', 413, 'request_too_large'],
    ['model_not_found', 404, 'not_found_error'],
    ['missing_api_key', 401, 'authentication_error'],
    ['invalid_api_key', 401, 'authentication_error'],
    ['key_disabled', 403, 'permission_error'],
    ['model_not_allowed', 403, 'permission_error'],
    ['tier_not_allowed', 403, 'permission_error'],
    ['rate_limit_exceeded', 429, 'rate_limit_error'],
    ['insufficient_quota', 429, 'rate_limit_error'],
    ['no_replica', 529, 'overloaded_error'],
    ['upstream_overloaded', 529, 'overloaded_error'],
    ['budget_store_unavailable', 503, 'api_error'],
    ['shutting_down', 503, 'api_error'],
    ['upstream_error', 502, 'api_error'],
    ['upstream_auth_failed', 502, 'api_error'],
    ['upstream_misconfigured', 502, 'api_error'],
    ['stream_interrupted', 502, 'api_error'],
    ['internal', 500, 'api_error'],
    ['upstream_timeout', 504, 'timeout_error'],
    ['generation_timeout', 504, 'timeout_error'],
    ['idempotency_key_in_use', 409, 'conflict_error'],
    ['idempotency_key_reused', 422, 'invalid_request_error'],
  ];
  for (const [kind, status, type] of rows) {
    const { status: got, type: gotType } = anthropicError(new RouterError(kind, 'm'));
    t.strictSame([got, gotType], [status, type], kind);
  }
  t.end();
});

t.test('an engine’s 4xx keeps its status; its type follows the status', (t) => {
  const rows: [number, string][] = [
    [400, 'invalid_request_error'],
    [404, 'not_found_error'],
    [413, 'request_too_large'],
    [429, 'rate_limit_error'],
    [403, 'permission_error'],
    [422, 'invalid_request_error'],
  ];
  for (const [status, type] of rows) {
    t.strictSame(anthropicError(new RouterError('upstream_rejected', 'no', { status })), { status, type, message: 'no', headers: {} }, String(status));
  }
  t.end();
});

t.test('the envelope: type error, the error, the request id', (t) => {
  const error = new RouterError('no_replica', 'No replica of pool gpu can take this request.', { headers: { 'retry-after': '1' } });
  const mapped = anthropicError(error);
  t.strictSame(JSON.parse(anthropicErrorBody(mapped, 'req-1')), {
    type: 'error',
    error: { type: 'overloaded_error', message: 'No replica of pool gpu can take this request.' },
    request_id: 'req-1',
  });
  t.strictSame(mapped.headers, { 'retry-after': '1' });
  t.end();
});

t.test('a spent budget says do not retry; a missing key names both headers', (t) => {
  t.strictSame(anthropicError(new RouterError('insufficient_quota', 'spent')).headers, { 'x-should-retry': 'false' });
  t.match(anthropicError(new RouterError('missing_api_key', 'x')).message, /x-api-key.*Authorization: Bearer/);
  t.end();
});

t.test('a chat error event after commit becomes an Anthropic error event', (t) => {
  const rows: [string, string, string][] = [
    ['{"error":{"message":"The stream broke","type":"server_error","param":null,"code":"stream_interrupted"}}', 'api_error', 'The stream broke'],
    ['{"error":{"message":"spent","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}', 'rate_limit_error', 'spent'],
    ['{"error":{"message":"slow","type":"server_error","param":null,"code":"upstream_timeout"}}', 'timeout_error', 'slow'],
    ['{"error":{"message":"busy","type":"server_error","param":null,"code":"upstream_overloaded"}}', 'overloaded_error', 'busy'],
    ['{"error":{"message":"odd","type":"x","code":"never-heard-of"}}', 'api_error', 'odd'],
    ['{"object":"error","message":"legacy","type":"BadRequestError","code":400}', 'api_error', 'legacy'],
    ['not json', 'api_error', 'The stream failed.'],
  ];
  for (const [data, type, message] of rows) {
    t.equal(streamErrorFromChat(data), `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message } })}\n\n`, data);
  }
  t.end();
});
