// Engines report errors in their own shapes; clients get OpenAI's envelope. Shapes recognised:
//   OpenAI and current vLLM   {"error": {"message", "type", "param", "code"}}
//   legacy vLLM               {"object": "error", "message", "type", "param", "code"}
//   TGI                       {"error": "…", "error_type": "validation"}
//   FastAPI validation        {"detail": [{"loc": […], "msg": "…"}]} or {"detail": "…"}

export interface EngineError {
  readonly message: string | null;
  readonly type: string | null;
  readonly param: string | null;
  readonly code: string | null;
}

const NONE: EngineError = { message: null, type: null, param: null, code: null };

export function readEngineError(bodyText: string): EngineError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return NONE;
  }
  if (!isRecord(parsed)) return NONE;
  const error = parsed['error'];
  if (isRecord(error)) return fromFields(error);
  if (typeof error === 'string') {
    return { ...NONE, message: error, code: stringOrNull(parsed['error_type']) };
  }
  if (parsed['object'] === 'error') return fromFields(parsed);
  const detail = parsed['detail'];
  if (typeof detail === 'string') return { ...NONE, message: detail };
  if (Array.isArray(detail)) {
    const messages = detail.filter(isRecord).map((item) => describeDetail(item));
    if (messages.length > 0) return { ...NONE, message: messages.join('; ') };
  }
  return NONE;
}

/** OpenAI's `error.type` for a status, when the engine's own type is not one of OpenAI's. */
export function openAITypeFor(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

const OPENAI_TYPES = new Set([
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'rate_limit_error',
  'requests',
  'tokens',
  'insufficient_quota',
  'server_error',
  'api_error',
]);

export function isOpenAIType(type: string | null): type is string {
  return type !== null && OPENAI_TYPES.has(type);
}

function fromFields(fields: Record<string, unknown>): EngineError {
  return {
    message: stringOrNull(fields['message']),
    type: stringOrNull(fields['type']),
    param: stringOrNull(fields['param']),
    // vLLM puts the HTTP status in `code`; only a string code means something to clients.
    code: stringOrNull(fields['code']),
  };
}

function describeDetail(item: Record<string, unknown>): string {
  const message = typeof item['msg'] === 'string' ? item['msg'] : 'invalid value';
  const loc = item['loc'];
  if (!Array.isArray(loc)) return message;
  const path = loc.filter((part) => part !== 'body').join('.');
  return path.length > 0 ? `${path}: ${message}` : message;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
