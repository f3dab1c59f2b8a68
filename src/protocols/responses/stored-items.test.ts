// withIds writes each stored item member by member: the same JSON as the spread it replaces
// (`{ id, ...item }`, and a call's status after), for every kind of item readInput makes.
import t from 'tap';
import { ResponseIds } from './ids.js';
import { readInput, type ContentPart } from './input-items.js';
import { withIds } from './stored-items.js';

t.test("stored items are the JSON of the item with its id first (and a call's status last)", (t) => {
  const inputs: unknown[] = [
    'Say "hello" é',
    [
      { role: 'user', content: 'plain' },
      { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'sys' }] },
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'look' },
          { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'low' },
        ],
      },
      {
        type: 'message',
        role: 'assistant',
        content: [
          { type: 'output_text', text: 'said' },
          { type: 'refusal', refusal: 'no' },
        ],
      },
      { role: 'assistant', content: 'short' },
      { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{"a":1}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'done' },
    ],
  ];
  for (const [i, input] of inputs.entries()) {
    const items = readInput(input);
    const ids = new ResponseIds('0123456789abcdef0123456789abcdef');
    // An assistant turn as OpenAI lists one: a status, and its text parts with annotations and logprobs.
    const listed = (part: ContentPart) => (part.type === 'output_text' ? { ...part, annotations: [], logprobs: [] } : part);
    const spread = items.map((item, n) =>
      item.type === 'message'
        ? item.role === 'assistant'
          ? { id: ids.item('msg', n), ...item, content: item.content.map(listed), status: 'completed' }
          : { id: ids.item('msg', n), ...item }
        : { id: ids.item(item.type === 'function_call' ? 'fc' : 'fco', n), ...item, status: 'completed' },
    );
    t.equal(JSON.stringify(withIds(items, ids)), JSON.stringify(spread), `input ${i}`);
  }
  t.end();
});
