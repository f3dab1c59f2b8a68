// The Response object's JSON text, the bytes JSON.stringify(responseObject(frame, end)) makes
// (response-text.test.ts), without encoding the request's echoed settings again for every object of
// one response: a stream sends the Response twice (created/in_progress, then completed) and the echo
// is most of it. The echo's members are encoded once per frame; the rest is spliced around them.
import type { Json } from './checks.js';
import type { Ending, ResponseFrame } from './response-object.js';

/** Each run is `,"member":value` for every member JSON.stringify would write (an undefined one it leaves out). */
interface EchoRuns {
  readonly beforeOutput: string;
  readonly beforeStore: string;
  readonly beforeUsage: string;
  readonly last: string;
}

const cache = new WeakMap<ResponseFrame, EchoRuns>();

function run(source: Json, keys: readonly string[]): string {
  let text = '';
  for (const key of keys) {
    const value = JSON.stringify(source[key]) as string | undefined;
    if (value !== undefined) text += `,${JSON.stringify(key)}:${value}`;
  }
  return text;
}

function echoRuns(frame: ResponseFrame): EchoRuns {
  let runs = cache.get(frame);
  if (runs === undefined) {
    const { echo } = frame;
    runs = {
      beforeOutput: run(echo, ['instructions', 'max_output_tokens', 'model']),
      beforeStore: run(echo, ['parallel_tool_calls', 'previous_response_id', 'reasoning']),
      beforeUsage: run(echo, ['temperature', 'text', 'tool_choice', 'tools', 'top_logprobs', 'top_p', 'truncation']),
      last: run(echo, ['user']) + run({ metadata: frame.metadata }, ['metadata']),
    };
    cache.set(frame, runs);
  }
  return runs;
}

/** JSON.stringify(responseObject(frame, end)), in OpenAI's member order (completed_at read by the caller when given). */
export function responseText(frame: ResponseFrame, end: Ending, completedAt = end.status === 'completed' ? frame.now() : null): string {
  const echo = echoRuns(frame);
  const incomplete = end.incompleteReason === null ? null : { reason: end.incompleteReason };
  return (
    `{"id":${JSON.stringify(frame.ids.response)},"object":"response","created_at":${JSON.stringify(frame.createdAt)},"status":${JSON.stringify(end.status)}` +
    `,"background":false,"completed_at":${JSON.stringify(completedAt)},"error":${JSON.stringify(end.error)},"incomplete_details":${JSON.stringify(incomplete)}` +
    `${echo.beforeOutput},"output":${JSON.stringify(end.output)}${echo.beforeStore},"store":${JSON.stringify(end.stored)}${echo.beforeUsage}` +
    `,"usage":${JSON.stringify(end.usage)}${echo.last}}`
  );
}
