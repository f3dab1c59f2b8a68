import t from 'tap';
import { decodeEntry, encodeEntry, type CacheEntry } from './entry.js';
import { RecordedEntry } from './recorded-entry.js';

const ENTRY: CacheEntry = {
  endpoint: 'chat',
  kind: 'json',
  status: 200,
  createdMs: 1_700_000_000_000,
  alias: 'chat',
  tier: 'small',
  pool: 'gpu',
  usage: { prompt: 7, cached: null, completion: 3 },
  costNanoUsd: 47_500,
  finish: ['stop'],
  parts: [Buffer.from('{"id":"x"}')],
};

t.test('an entry decodes as it was encoded', async (t) => {
  t.strictSame(decodeEntry(encodeEntry(ENTRY)), ENTRY);
});

t.test('the encoding is the one routers already share (a Redis store outlives router versions), byte for byte, however the entry is held', async (t) => {
  const header =
    '{"v":1,"endpoint":"chat","kind":"sse","status":200,"createdMs":9,"alias":"a\\"é","tier":"small","pool":"gpu","usage":null,"costNanoUsd":null,"finish":["stop"],"lengths":[2,3]}\n';
  const fields = { endpoint: 'chat', kind: 'sse', status: 200, createdMs: 9, alias: 'a"é', tier: 'small', pool: 'gpu', usage: null, costNanoUsd: null, finish: ['stop'] } as const;
  const plain: CacheEntry = { ...fields, parts: [Buffer.from('ab'), Buffer.from('cde')] };
  t.equal(encodeEntry(plain).toString(), `${header}abcde`, 'an entry of plain fields');
  const recorded = new RecordedEntry(fields, [], Buffer.from('abcde'), [2, 5]);
  t.equal(encodeEntry(recorded).toString(), `${header}abcde`, 'a recorded entry, its parts one buffer');
  t.strictSame(decodeEntry(encodeEntry(recorded)), plain);
});

t.test("a recorded entry's hand-written header is JSON.stringify's, whatever its fields hold", async (t) => {
  const cases = [
    { usage: { prompt: 7, cached: null, completion: 3 }, costNanoUsd: 47_500, finish: ['stop', 'length'] },
    { usage: { prompt: 0, cached: 5, completion: 0 }, costNanoUsd: 0.5, finish: [] },
    { usage: null, costNanoUsd: null, finish: ['tool_calls', 'a"\\\u0001é'] },
  ];
  for (const varied of cases) {
    const fields = { endpoint: 'completions', kind: 'json', status: 200, createdMs: 1_700_000_000_123, alias: 'al\nias', tier: 't', pool: 'p', ...varied } as const;
    const recorded = new RecordedEntry(fields, [Buffer.from('{"id":"x"}')], null, []);
    t.equal(encodeEntry(recorded).toString(), encodeEntry({ ...fields, parts: [Buffer.from('{"id":"x"}')] }).toString(), JSON.stringify(varied));
  }
});

// A shared store outlives router versions and may be written by anyone with its credentials: a count
// or cost that is negative would make a hit's saved-tokens and saved-USD counters throw (prom-client
// refuses to decrease a counter) after the answer was sent.
t.test('an entry whose usage or cost is negative is no entry (a miss), not a crash counting what a hit saved', async (t) => {
  t.equal(decodeEntry(encodeEntry({ ...ENTRY, costNanoUsd: -1 })), null);
  t.equal(decodeEntry(encodeEntry({ ...ENTRY, usage: { prompt: -7, cached: null, completion: 3 } })), null);
  t.equal(decodeEntry(encodeEntry({ ...ENTRY, usage: { prompt: 7, cached: -1, completion: 3 } })), null);
  t.equal(decodeEntry(encodeEntry({ ...ENTRY, usage: { prompt: 7, cached: null, completion: -3 } })), null);
});

t.test('a native entry says its API, in a version 2 header a version 1 reader takes for no entry', async (t) => {
  const native: CacheEntry = { ...ENTRY, native: 'responses', kind: 'sse', parts: [Buffer.from('event: response.created\ndata: {}\n\n')] };
  const bytes = encodeEntry(native);
  t.strictSame(decodeEntry(bytes), native);
  t.match(bytes.toString('utf8', 0, bytes.indexOf(0x0a)), /^\{"v":2,/);
  t.match(encodeEntry(ENTRY).toString('utf8', 0, 6), '{"v":1', 'a chat entry is written as before');
  const header = (text: string): Buffer => Buffer.concat([Buffer.from(`${text}\n`), Buffer.from('{}')]);
  const fields = '"endpoint":"chat","kind":"json","status":200,"createdMs":1,"alias":"a","tier":"t","pool":"p","usage":null,"costNanoUsd":null,"finish":[],"lengths":[2]';
  t.equal(decodeEntry(header(`{"v":1,${fields},"native":"responses"}`)), null, 'version 1 with an API: unreadable');
  t.equal(decodeEntry(header(`{"v":2,${fields}}`)), null, 'version 2 without one');
  t.equal(decodeEntry(header(`{"v":2,${fields},"native":"chat"}`)), null, 'or with an API that has no native form');
  t.strictSame(decodeEntry(header(`{"v":2,${fields},"native":"messages"}`))?.native, 'messages');
});
