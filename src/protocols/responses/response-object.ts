// The Response object (OAS Response, openai/openai-openapi openapi.yaml @f85dbe22) made from one chat
// completion, and the pieces the stream translator shares with it (item shapes, usage, status), so a
// streamed answer folds into exactly the object the same answer gets without a stream. Every field
// OAS requires is always sent, and the ones clients read besides (status, usage with both details,
// text.format): LiteLLM's bridge broke a client by leaving some out (https://github.com/BerriAI/litellm/pull/28899).
import type { Json } from './checks.js';
import type { ResponseIds } from './ids.js';

/** What a response knows before its answer: its ids, its creation time and the request's echoed settings. */
export interface ResponseFrame {
  readonly ids: ResponseIds;
  /** Unix seconds. */
  readonly createdAt: number;
  /** The request's settings as echoed (request.ts). */
  readonly echo: Json;
  readonly metadata: Readonly<Record<string, string>>;
  readonly store: boolean;
  /** How many items this request's input has: output items are numbered after them. */
  readonly firstOutputItem: number;
  /** Unix seconds now (completed_at); a parameter so tests can fix it. */
  readonly now: () => number;
}

export type Status = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface Ending {
  readonly status: Status;
  readonly output: readonly Json[];
  /** JSON.stringify(output), when it is made already (a stream wrote each item's text in its output_item.done event). */
  readonly outputText?: string;
  readonly usage: Json | null;
  /** JSON.stringify(usage), when it is made already (usageText of a responseUsage). */
  readonly usageText?: string;
  readonly error: Json | null;
  readonly incompleteReason: string | null;
  /** Whether the response says it is stored (false when store was off, or it could not be kept). */
  readonly stored: boolean;
}

/** The whole Response object, in OpenAI's member order. */
export function responseObject(frame: ResponseFrame, end: Ending): Json {
  const { echo } = frame;
  return {
    id: frame.ids.response,
    object: 'response',
    created_at: frame.createdAt,
    status: end.status,
    background: false,
    completed_at: end.status === 'completed' ? frame.now() : null,
    error: end.error,
    incomplete_details: end.incompleteReason === null ? null : { reason: end.incompleteReason },
    instructions: echo['instructions'],
    max_output_tokens: echo['max_output_tokens'],
    model: echo['model'],
    output: end.output,
    parallel_tool_calls: echo['parallel_tool_calls'],
    previous_response_id: echo['previous_response_id'],
    reasoning: echo['reasoning'],
    store: end.stored,
    temperature: echo['temperature'],
    text: echo['text'],
    tool_choice: echo['tool_choice'],
    tools: echo['tools'],
    top_logprobs: echo['top_logprobs'],
    top_p: echo['top_p'],
    truncation: echo['truncation'],
    usage: end.usage,
    user: echo['user'],
    metadata: frame.metadata,
  };
}

/** A chat `finish_reason` as the response's status and incomplete_details reason. */
export function statusOf(finishReason: unknown): { readonly status: Status; readonly reason: string | null } {
  if (finishReason === 'length') return { status: 'incomplete', reason: 'max_output_tokens' };
  if (finishReason === 'content_filter') return { status: 'incomplete', reason: 'content_filter' };
  return { status: 'completed', reason: null };
}

/** OAS ResponseUsage, as responseUsage makes it. */
export type ResponseUsage = {
  readonly input_tokens: number;
  readonly input_tokens_details: { readonly cached_tokens: number; readonly cache_write_tokens: number };
  readonly output_tokens: number;
  readonly output_tokens_details: { readonly reasoning_tokens: number };
  readonly total_tokens: number;
};

/** Chat usage as OAS ResponseUsage (all five members required, and both details objects whole). */
export function responseUsage(usage: unknown): ResponseUsage | null {
  if (typeof usage !== 'object' || usage === null) return null;
  const u = usage as Json;
  const input = count(u['prompt_tokens']);
  const output = count(u['completion_tokens']);
  const prompt = (u['prompt_tokens_details'] ?? {}) as Json;
  const completion = (u['completion_tokens_details'] ?? {}) as Json;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: count(prompt['cached_tokens']), cache_write_tokens: count(prompt['cache_write_tokens']) },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: count(completion['reasoning_tokens']) },
    // The engine's total when it is a count; else the sum (an absurd total is no total).
    total_tokens: typeof u['total_tokens'] === 'number' && Number.isSafeInteger(Math.floor(u['total_tokens'])) ? count(u['total_tokens']) : input + output,
  };
}

/**
 * JSON.stringify(usage) of a responseUsage, written without it: every count is a finite number (count()),
 * whose JSON text is String's. response-object.test.ts holds it to JSON.stringify.
 */
export function usageText(usage: ResponseUsage | null): string {
  if (usage === null) return 'null';
  const { input_tokens_details: input, output_tokens_details: output } = usage;
  return (
    `{"input_tokens":${usage.input_tokens},"input_tokens_details":{"cached_tokens":${input.cached_tokens},"cache_write_tokens":${input.cache_write_tokens}}` +
    `,"output_tokens":${usage.output_tokens},"output_tokens_details":{"reasoning_tokens":${output.reasoning_tokens}},"total_tokens":${usage.total_tokens}}`
  );
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A token count: whole and not negative; an engine's fraction is cut down, and a count past 2^53 (1e300, 1e400 read as Infinity) is none. */
function count(value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0)) return 0;
  const whole = Math.floor(value);
  return Number.isSafeInteger(whole) ? whole : 0;
}

export const itemShapes = {
  reasoning: (id: string, text: string | null, status: string): Json =>
    text === null ? { id, type: 'reasoning', summary: [], status } : { id, type: 'reasoning', summary: [], status, content: [{ type: 'reasoning_text', text }] },
  message: (id: string, content: readonly Json[], status: string): Json => ({ id, type: 'message', role: 'assistant', status, content }),
  outputText: (text: string): Json => ({ type: 'output_text', text, annotations: [], logprobs: [] }),
  refusal: (refusal: string): Json => ({ type: 'refusal', refusal }),
  functionCall: (id: string, callId: string, name: string, args: string, status: string): Json => ({
    id,
    type: 'function_call',
    status,
    arguments: args,
    call_id: callId,
    name,
  }),
};

/** The output items of a chat completion's first choice: reasoning, the message, then each tool call. */
export function outputOf(frame: ResponseFrame, message: Json, itemStatus: string): Json[] {
  const output: Json[] = [];
  let n = frame.firstOutputItem;
  const reasoning = message['reasoning_content'] ?? message['reasoning'];
  if (typeof reasoning === 'string' && reasoning !== '') output.push(itemShapes.reasoning(frame.ids.item('rs', n++), reasoning, itemStatus));
  const content: Json[] = [];
  if (typeof message['content'] === 'string' && message['content'] !== '') content.push(itemShapes.outputText(message['content']));
  if (typeof message['refusal'] === 'string' && message['refusal'] !== '') content.push(itemShapes.refusal(message['refusal']));
  if (content.length > 0) output.push(itemShapes.message(frame.ids.item('msg', n++), content, itemStatus));
  const calls = Array.isArray(message['tool_calls']) ? (message['tool_calls'] as unknown[]) : [];
  for (const call of calls) {
    if (typeof call !== 'object' || call === null) continue;
    const fn = ((call as Json)['function'] ?? {}) as Json;
    // A call the engine gave no id still needs one: the client answers it by call_id.
    const callId = str((call as Json)['id']) || frame.ids.item('call', n);
    output.push(itemShapes.functionCall(frame.ids.item('fc', n++), callId, str(fn['name']), str(fn['arguments']), itemStatus));
  }
  return output;
}

/** A chat completion's whole answer as the Response's ending (store decided by the caller). */
export function endingOf(frame: ResponseFrame, completion: Json): Omit<Ending, 'stored'> {
  const choices = Array.isArray(completion['choices']) ? (completion['choices'] as Json[]) : [];
  const choice = choices[0] ?? {};
  const { status, reason } = statusOf(choice['finish_reason']);
  const message = (choice['message'] ?? {}) as Json;
  const usage = responseUsage(completion['usage']);
  return {
    status,
    output: outputOf(frame, message, status === 'completed' ? 'completed' : 'incomplete'),
    usage,
    usageText: usageText(usage),
    error: null,
    incompleteReason: reason,
  };
}
