// Engines report errors in their own shapes; clients get OpenAI's envelope. Shapes recognised:
//   OpenAI and current vLLM   {"error": {"message", "type", "param", "code"}}   (vLLM: code = HTTP status)
//   legacy vLLM               {"object": "error", "message", "type", "param", "code"}
//   TGI                       {"error": "…", "error_type": "validation"}
//   TGI ≥ 2.4.1, in streams   {"error": {"message": "…", "http_status_code": 422}}  (422 for every kind)
//   FastAPI validation        {"detail": [{"loc": […], "msg": "…"}]} or {"detail": "…"}
// and what each one means: whose fault it was (blameOf), and whether it is a context-length error.
import { isObject } from '../json-object.js';

export interface EngineError {
  readonly message: string | null;
  readonly type: string | null;
  readonly param: string | null;
  readonly code: string | null;
  /** The HTTP status the body itself states (vLLM's numeric `code`); null when it states none. */
  readonly status: number | null;
  /**
   * TGI's kind of error: its `error_type`, or (TGI ≥ 2.4.1 streams, whose `http_status_code` is 422
   * whatever happened) read from the message InferError starts with; null for other engines.
   */
  readonly tgiKind: string | null;
  /**
   * The error object's members beside OpenAI's four, as the engine wrote them (Azure's `status` and
   * `innererror`, which says what a content filter caught); null when there are none.
   */
  readonly members: Readonly<Record<string, unknown>> | null;
}

const NONE: EngineError = { message: null, type: null, param: null, code: null, status: null, tgiKind: null, members: null };
const OPENAI_MEMBERS = new Set(['message', 'type', 'param', 'code']);

export function readEngineError(bodyText: string): EngineError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return NONE;
  }
  if (!isObject(parsed)) return NONE;
  const error = parsed['error'];
  if (isObject(error)) {
    const fields = fromFields(error);
    if ('http_status_code' in error) return { ...fields, status: null, tgiKind: tgiKindOf(fields.message) };
    return { ...fields, members: otherMembers(error) };
  }
  if (typeof error === 'string') {
    const errorType = stringOrNull(parsed['error_type']);
    return { ...NONE, message: error, code: errorType, tgiKind: errorType ?? tgiKindOf(error) };
  }
  if (parsed['object'] === 'error') return fromFields(parsed);
  const detail = parsed['detail'];
  if (typeof detail === 'string') return { ...NONE, message: detail };
  if (Array.isArray(detail)) {
    const messages = detail.filter(isObject).map((item) => describeDetail(item));
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
  const code = fields['code'];
  return {
    message: stringOrNull(fields['message']),
    type: stringOrNull(fields['type']),
    param: stringOrNull(fields['param']),
    // vLLM puts the HTTP status in `code`; only a string code means something to clients.
    code: stringOrNull(code),
    status: typeof code === 'number' && Number.isInteger(code) ? code : null,
    tgiKind: null,
    members: null,
  };
}

function otherMembers(error: Record<string, unknown>): Record<string, unknown> | null {
  let members: Record<string, unknown> | null = null;
  for (const [name, value] of Object.entries(error)) if (!OPENAI_MEMBERS.has(name)) (members ??= {})[name] = value;
  return members;
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

/**
 * Whose fault an engine error is: `request` (the caller's: a 4xx, never retried, never held against
 * the replica), `load` (a busy replica: tried elsewhere, not a failure) or `replica` (a failed
 * replica: tried elsewhere and counted toward ejection). `httpStatus` is the response's status, or
 * null for an error event inside a 200 stream.
 */
export type Blame = 'request' | 'load' | 'replica';

export function blameOf(engine: EngineError, httpStatus: number | null): Blame {
  if (engine.tgiKind !== null) {
    if (TGI_REQUEST_KINDS.has(engine.tgiKind)) return 'request';
    if (engine.tgiKind === 'overloaded') return 'load';
    if (TGI_REPLICA_KINDS.has(engine.tgiKind)) return 'replica';
  }
  // Anthropic's overload, as a 529 answer or an error event inside a stream ({"type":"error","error":
  // {"type":"overloaded_error",…}}, https://docs.claude.com/en/api/errors), and its in-stream rate limit:
  // a busy service, tried elsewhere, never an ejection.
  if (httpStatus === 529 || engine.type === 'overloaded_error') return 'load';
  if (httpStatus === null && engine.type === 'rate_limit_error') return 'load';
  const status = httpStatus ?? engine.status;
  // An error event with no status of its own: the engine failed while streaming.
  if (status === null) return 'replica';
  if (status === 429) return 'load';
  if (status === 503 && (OVERLOADED.test(engine.code ?? '') || OVERLOADED.test(engine.message ?? ''))) return 'load';
  // 424 Failed Dependency: the engine's own backend failed (TGI: out of memory while generating).
  if (status >= 400 && status < 500 && status !== 424) return 'request';
  return 'replica';
}

/**
 * The message says the prompt (with the completion asked for) does not fit the model's context:
 * vLLM's and OpenAI's "This model's maximum context length is N tokens…", TGI's `inputs` limits.
 */
export function isContextLengthError(message: string | null): boolean {
  return message !== null && CONTEXT_LENGTH.test(message);
}

const OVERLOADED = /overload/i;
/**
 * A prompt over the model's context, in each engine's words: vLLM's and OpenAI's ("maximum context length
 * is N tokens"), TGI's validation errors, and Anthropic's ("prompt is too long: N tokens > M maximum").
 */
const CONTEXT_LENGTH =
  /maximum context length is \d+ tokens|`inputs` tokens \+ `max_new_tokens` must be <= \d+|`inputs` must have less than \d+ tokens|prompt is too long: \d+ tokens > \d+ maximum/;

// TGI's InferError kinds (router/src/infer/mod.rs, error_type()): the caller's mistakes, and the
// engine's failures; "overloaded" is load.
const TGI_REQUEST_KINDS = new Set(['validation', 'template_error', 'missing_template_variable', 'tool_error']);
const TGI_REPLICA_KINDS = new Set(['generation', 'incomplete_generation', 'incomplete_generation_stream', 'stream_serialization_error']);

/** InferError's Display prefixes (TGI's spelling, "vatiable" included), for bodies without error_type. */
const TGI_MESSAGE_KINDS: readonly (readonly [string, string])[] = [
  ['Input validation error: ', 'validation'],
  ['Model is overloaded', 'overloaded'],
  ['Request failed during generation: ', 'generation'],
  ['Incomplete generation stream', 'incomplete_generation_stream'],
  ['Incomplete generation', 'incomplete_generation'],
  ['Template error: ', 'template_error'],
  ['Missing template vatiable: ', 'missing_template_variable'],
  ['Tool error: ', 'tool_error'],
  ['Stream event serialization error', 'stream_serialization_error'],
];

function tgiKindOf(message: string | null): string | null {
  if (message === null) return null;
  for (const [prefix, kind] of TGI_MESSAGE_KINDS) if (message.startsWith(prefix)) return kind;
  return null;
}
