// A record's text is the same bytes whether its Response is encoded with it or spliced in from the text
// the answer already made (encodeRecord's responseText): what the stores keep must not depend on it.
import t from 'tap';
import type { Json } from './checks.js';
import { decodeRecord, encodeRecord } from './store.js';
import type { StoredItem } from './stored-items.js';

const response: Json = {
  id: 'resp_0123',
  object: 'response',
  status: 'completed',
  output: [{ type: 'message', content: [{ type: 'output_text', text: 'é "quoted" \\ \n \u2028 😀', annotations: [] }] }],
  store: true,
  usage: null,
};
const input: StoredItem[] = [{ id: 'msg_1', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi\t"there"' }] }];

t.test('a spliced Response text encodes to the bytes of the whole record', (t) => {
  for (const [owner, prev] of [
    ['anon', null],
    ['key "one"', 'resp_prev'],
  ] as const) {
    const whole = encodeRecord({ owner, prev, response, input });
    t.equal(whole, JSON.stringify({ owner, prev, response, input }));
    const spliced = encodeRecord({ owner, prev, responseText: JSON.stringify(response), input });
    t.equal(spliced, whole, `owner ${owner}, prev ${String(prev)}`);
    t.strictSame(decodeRecord(spliced, owner), { owner, prev, response, input });
  }
  t.end();
});
