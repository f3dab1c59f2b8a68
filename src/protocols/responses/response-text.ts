// The Response object's JSON text, the bytes JSON.stringify(responseObject(frame, end)) makes
// (response-text.test.ts), without encoding the request's echoed settings again for every object of
// one response: a stream sends the Response twice (created/in_progress, then completed) and the echo
// is most of it. The echo's members are encoded once per response (echoText, kept by the answer, not
// in a WeakMap: a weak entry per request costs the collector more than the encoding saves), and the
// rest is spliced around them. Scalars are written without JSON.stringify, whose per-call cost is
// most of the work for the small values a Response holds; so are strings that need no escape, and the
// echo's default objects, whose texts are made once (echo-defaults.ts).
import { sharedText } from './echo-defaults.js';
import type { Ending, ResponseFrame } from './response-object.js';

/** Each run is `,"member":value` for every member JSON.stringify would write (an undefined one it leaves out). */
export interface EchoText {
  readonly beforeOutput: string;
  readonly beforeStore: string;
  readonly beforeUsage: string;
  readonly last: string;
}

/** What JSON.stringify escapes in a string: quote, backslash, control characters and (well-formed JSON.stringify) lone surrogates; C1 controls too are left to it. */
const ESCAPED = /["\\\p{Cc}\p{Cs}]/u;

/** JSON.stringify(value), scalars written directly (a finite number's text is String's; JSON writes others as null). */
export function jsonValue(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'string':
      return ESCAPED.test(value) ? JSON.stringify(value) : `"${value}"`;
    case 'object':
      return sharedText(value) ?? JSON.stringify(value);
    default:
      return JSON.stringify(value);
  }
}

/** `,"key":value` as JSON.stringify writes a member (nothing for an undefined one); the keys need no escaping. */
function member(prefix: string, value: unknown): string {
  const text = jsonValue(value);
  return text === undefined ? '' : prefix + text;
}

/** The frame's echoed settings as text, for every responseText of one response (each member read by name: one object shape, no keyed loads). */
export function echoText(frame: ResponseFrame): EchoText {
  const { echo } = frame;
  return {
    beforeOutput: member(',"instructions":', echo['instructions']) + member(',"max_output_tokens":', echo['max_output_tokens']) + member(',"model":', echo['model']),
    beforeStore:
      member(',"parallel_tool_calls":', echo['parallel_tool_calls']) +
      member(',"previous_response_id":', echo['previous_response_id']) +
      member(',"reasoning":', echo['reasoning']),
    beforeUsage:
      member(',"temperature":', echo['temperature']) +
      member(',"text":', echo['text']) +
      member(',"tool_choice":', echo['tool_choice']) +
      member(',"tools":', echo['tools']) +
      member(',"top_logprobs":', echo['top_logprobs']) +
      member(',"top_p":', echo['top_p']) +
      member(',"truncation":', echo['truncation']),
    last: member(',"user":', echo['user']) + member(',"metadata":', frame.metadata),
  };
}

/**
 * JSON.stringify(responseObject(frame, end)), in OpenAI's member order (completed_at read by the caller
 * when given; `echo`: echoText(frame), when the caller keeps it for the response's next object).
 */
export function responseText(frame: ResponseFrame, end: Ending, completedAt = end.status === 'completed' ? frame.now() : null, echo = echoText(frame)): string {
  const incomplete = end.incompleteReason === null ? 'null' : `{"reason":${JSON.stringify(end.incompleteReason)}}`;
  return (
    `{"id":"${frame.ids.response}","object":"response","created_at":${jsonValue(frame.createdAt)},"status":"${end.status}"` +
    `,"background":false,"completed_at":${jsonValue(completedAt)},"error":${jsonValue(end.error)},"incomplete_details":${incomplete}` +
    `${echo.beforeOutput},"output":${end.outputText ?? JSON.stringify(end.output)}${echo.beforeStore},"store":${end.stored ? 'true' : 'false'}${echo.beforeUsage}` +
    `,"usage":${end.usageText ?? jsonValue(end.usage)}${echo.last}}`
  );
}
