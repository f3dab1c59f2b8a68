// A native answer's stop in chat terms, which decides with eligibility.ts whether it may be stored.
import t from 'tap';
import { nativeStop } from './native-entry.js';

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

t.test('Responses: completed is stop, cut by max_output_tokens is length, anything else is never kept', async (t) => {
  t.equal(nativeStop('responses', false, json({ status: 'completed' })), 'stop');
  t.equal(nativeStop('responses', false, json({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } })), 'length');
  t.equal(nativeStop('responses', false, json({ status: 'incomplete', incomplete_details: { reason: 'content_filter' } })), 'content_filter');
  t.equal(nativeStop('responses', false, json({ status: 'failed' })), 'content_filter');
  t.equal(nativeStop('responses', false, Buffer.from('not json')), 'content_filter');
  const stream = (type: string, status: string): Buffer => Buffer.from(`event: ${type}\ndata: ${JSON.stringify({ type, response: { status } })}\n\n`);
  t.equal(nativeStop('responses', true, stream('response.completed', 'completed')), 'stop', 'a stream by its terminal event');
  t.equal(nativeStop('responses', true, stream('response.created', 'in_progress')), 'content_filter', 'a stream without one');
});

t.test('Messages: ordinary stops are stop, max_tokens is length, a refusal or the context window never kept', async (t) => {
  for (const reason of ['end_turn', 'stop_sequence', 'tool_use', 'pause_turn']) t.equal(nativeStop('messages', false, json({ stop_reason: reason })), 'stop', reason);
  t.equal(nativeStop('messages', false, json({ stop_reason: 'max_tokens' })), 'length');
  for (const reason of ['refusal', 'model_context_window_exceeded', null]) t.equal(nativeStop('messages', false, json({ stop_reason: reason })), 'content_filter', String(reason));
  const stream = [
    'event: message_start\ndata: {"type":"message_start","message":{"id":"m","content":[],"usage":{}}}\n\n',
    'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"refusal"},"usage":{"output_tokens":1}}\n\n',
    'event: message_stop\ndata: {"type":"message_stop"}\n\n',
  ].join('');
  t.equal(nativeStop('messages', true, Buffer.from(stream)), 'content_filter', 'a stream by its fold');
});
