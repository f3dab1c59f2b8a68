// A Messages stream folded into its Message by the SDK's rules (the integration test holds it to the
// SDK's own fold of real wire bytes); here the edges: what message_delta sets, and what cannot fold.
import t from 'tap';
import { foldMessages } from './fold-messages.js';

const ev = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const START = ev('message_start', {
  message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 3, output_tokens: 1 } },
});
const TOOL = ev('content_block_start', { index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} } });
const json = (part: string) => ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: part } });
const STOP = ev('message_stop', {});
const fold = (...events: string[]) => {
  const folded = foldMessages(Buffer.from(events.join('')));
  return folded === null ? null : (JSON.parse(folded.toString()) as Record<string, unknown>);
};

t.test('tool input fragments joined and parsed; message_delta sets the stop and the usage totals', async (t) => {
  const delta = ev('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 9, cache_read_input_tokens: 2 } });
  t.strictSame(fold(START, ev('ping', {}), TOOL, json('{"city":'), json('"Paris"}'), ev('content_block_stop', { index: 0 }), delta, STOP), {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'm',
    content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: { city: 'Paris' } }],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: { input_tokens: 3, output_tokens: 9, cache_read_input_tokens: 2 },
  });
});

t.test('no message_stop, or a tool input that is not JSON: nothing to fold', async (t) => {
  t.equal(fold(START, TOOL, json('{"city":"Paris"}')), null);
  t.equal(fold(START, TOOL, json('{"city":'), STOP), null);
  t.equal(fold(STOP), null);
});
