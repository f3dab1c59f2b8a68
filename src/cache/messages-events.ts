// A whole Message written as Anthropic's event stream, for a cache hit that asks for a stream when the
// answer was stored whole by an engine that serves Messages itself. The sequence is Anthropic's
// (https://platform.claude.com/docs/build-with-claude/streaming; the bytes of anthropics/
// anthropic-sdk-typescript tests/lib/fixtures/*.txt @bfa9197f): message_start with the Message before
// any content (no stop, no output tokens yet), a ping, per content block its content_block_start
// (empty: text '', a tool's input {}, thinking and signature ''), one delta with its whole text, input
// JSON, thinking and signature (and a citations_delta per citation), content_block_stop; then
// message_delta with the stop and the whole usage, and message_stop. Blocks of other types start whole
// and carry no delta. @anthropic-ai/sdk 1.16.0's fold (lib/MessageStream.js accumulateMessage) turns
// this back into the Message: the integration tests hold finalMessage() to it.
import { isObject } from '../json-object.js';

type Json = Record<string, unknown>;

export function messageEvents(message: Json): string {
  let out = '';
  const add = (type: string, data: Json): void => {
    out += `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  };
  const usage = isObject(message['usage']) ? message['usage'] : {};
  const start: Json = { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 0 } };
  if ('stop_details' in message) start['stop_details'] = null;
  add('message_start', { message: start });
  add('ping', {});
  const content = Array.isArray(message['content']) ? (message['content'] as unknown[]) : [];
  content.forEach((value, index) => {
    const block = isObject(value) ? value : {};
    for (const [type, data] of blockEvents(block, index)) add(type, data);
    add('content_block_stop', { index });
  });
  const delta: Json = { stop_reason: message['stop_reason'] ?? null, stop_sequence: message['stop_sequence'] ?? null };
  if ('stop_details' in message) delta['stop_details'] = message['stop_details'];
  if (message['container'] !== undefined && message['container'] !== null) delta['container'] = message['container'];
  add('message_delta', { delta, usage });
  add('message_stop', {});
  return out;
}

/** A block's content_block_start and its deltas. */
function blockEvents(block: Json, index: number): [string, Json][] {
  const delta = (data: Json): [string, Json] => ['content_block_delta', { index, delta: data }];
  switch (block['type']) {
    case 'text': {
      const text = typeof block['text'] === 'string' ? block['text'] : '';
      const citations = Array.isArray(block['citations']) ? (block['citations'] as unknown[]) : null;
      const events: [string, Json][] = [['content_block_start', { index, content_block: { ...block, text: '', ...(citations === null ? {} : { citations: [] }) } }]];
      if (text !== '') events.push(delta({ type: 'text_delta', text }));
      for (const citation of citations ?? []) events.push(delta({ type: 'citations_delta', citation }));
      return events;
    }
    case 'tool_use':
    case 'server_tool_use':
      return [['content_block_start', { index, content_block: { ...block, input: {} } }], delta({ type: 'input_json_delta', partial_json: JSON.stringify(block['input'] ?? {}) })];
    case 'thinking': {
      const events: [string, Json][] = [['content_block_start', { index, content_block: { ...block, thinking: '', signature: '' } }]];
      if (typeof block['thinking'] === 'string' && block['thinking'] !== '') events.push(delta({ type: 'thinking_delta', thinking: block['thinking'] }));
      if (typeof block['signature'] === 'string') events.push(delta({ type: 'signature_delta', signature: block['signature'] }));
      return events;
    }
    default:
      return [['content_block_start', { index, content_block: block }]];
  }
}
