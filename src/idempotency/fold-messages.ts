// A kept Messages event stream folded into the Message it describes, for an idempotent retry that asks
// for no stream (native-replay.ts). The rules are those Anthropic's SDK folds a stream by
// (@anthropic-ai/sdk 1.16.0 lib/MessageStream.js accumulateMessage, whose finalMessage() the tests hold
// this to): message_start's message, each content_block_start's block appended, the deltas applied to
// their block by index (text, citations, thinking, signature; a tool's input_json_delta fragments
// joined and parsed at the end), message_delta's stop reason, stop sequence and details, container and
// usage counters set, and message_stop ending it. A stream without its message_stop, or a tool input
// that is not JSON, folds to null (the retry is then refused: nothing better can be said).
import { SseByteSplitter } from '../openai/sse-buffer.js';
import { parse, readEvent } from '../proxy/native/sse-event.js';
import { isObject } from '../json-object.js';

type Json = Record<string, unknown>;

/** The usage counters message_delta states as whole-message totals: set when present, never added. */
const TOTALS = ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'server_tool_use', 'output_tokens_details'] as const;

/** The Message of a complete Messages stream, as JSON; null when it cannot be folded. */
export function foldMessages(stream: Buffer): Buffer | null {
  const { buffer, events } = new SseByteSplitter().push(stream);
  let message: Json | null = null;
  let content: Json[] = [];
  /** A tool block's input fragments, by block index. */
  const inputs = new Map<number, string>();
  for (const range of events) {
    const event = parse(readEvent(buffer, range));
    if (event === null) continue;
    if (event['type'] === 'message_start' && isObject(event['message'])) {
      content = [];
      message = { ...event['message'], content };
      continue;
    }
    if (message === null) continue;
    switch (event['type']) {
      case 'content_block_start':
        if (isObject(event['content_block'])) content.push({ ...event['content_block'] });
        break;
      case 'content_block_delta':
        applyDelta(content, inputs, event['index'], event['delta']);
        break;
      case 'message_delta':
        applyMessageDelta(message, event);
        break;
      case 'message_stop':
        return withInputs(content, inputs) ? Buffer.from(JSON.stringify(message)) : null;
    }
  }
  return null;
}

function applyDelta(content: Json[], inputs: Map<number, string>, index: unknown, delta: unknown): void {
  if (typeof index !== 'number' || !isObject(delta)) return;
  const block = content[index];
  if (block === undefined) return;
  const type = block['type'];
  switch (delta['type']) {
    case 'text_delta':
      if (type === 'text') block['text'] = str(block['text']) + str(delta['text']);
      break;
    case 'citations_delta':
      if (type === 'text') block['citations'] = [...(Array.isArray(block['citations']) ? (block['citations'] as unknown[]) : []), delta['citation']];
      break;
    case 'thinking_delta':
      if (type === 'thinking') block['thinking'] = str(block['thinking']) + str(delta['thinking']);
      break;
    case 'signature_delta':
      if (type === 'thinking') block['signature'] = delta['signature'];
      break;
    case 'input_json_delta':
      if (type === 'tool_use' || type === 'server_tool_use') inputs.set(index, (inputs.get(index) ?? '') + str(delta['partial_json']));
      break;
  }
}

function applyMessageDelta(message: Json, event: Json): void {
  const delta = isObject(event['delta']) ? event['delta'] : {};
  const usage = isObject(event['usage']) ? event['usage'] : {};
  message['stop_reason'] = delta['stop_reason'];
  message['stop_sequence'] = delta['stop_sequence'];
  message['stop_details'] = delta['stop_details'];
  if (delta['container'] !== undefined && delta['container'] !== null) message['container'] = delta['container'];
  const counts: Json = isObject(message['usage']) ? { ...message['usage'] } : {};
  counts['output_tokens'] = usage['output_tokens'];
  for (const key of TOTALS) if (usage[key] !== undefined && usage[key] !== null) counts[key] = usage[key];
  message['usage'] = counts;
}

/** Each tool block's joined input fragments parsed into its `input` (last, as the SDK's fold leaves it); false when one is not JSON. */
function withInputs(content: Json[], inputs: ReadonlyMap<number, string>): boolean {
  for (const [index, text] of inputs) {
    const block = content[index];
    if (block === undefined) continue;
    let input: unknown;
    try {
      input = text === '' ? {} : JSON.parse(text);
    } catch {
      return false;
    }
    delete block['input'];
    block['input'] = input;
  }
  return true;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
