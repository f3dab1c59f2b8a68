// A recorded entry reads and encodes exactly as the plain object it replaced.
import t from 'tap';
import { decodeEntry, encodeEntry, entryBytes, type CacheEntry } from './entry.js';
import { RecordedEntry, type EntryFields } from './recorded-entry.js';

const fields: EntryFields = {
  endpoint: 'chat',
  kind: 'sse',
  status: 200,
  createdMs: 1_700_000_000_000,
  alias: 'gpu',
  tier: 'small',
  pool: 'vllm',
  usage: { prompt: 7, cached: null, completion: 3 },
  costNanoUsd: 1200,
  finish: ['stop'],
};
const events = ['{"a":1}', '{"b":2}', '{"c":3}'].map((text) => Buffer.from(text));

t.test('a stream recorded in one buffer: its parts are the events; its bytes encode as the plain entry', async (t) => {
  const whole = Buffer.concat(events);
  const ends = [7, 14, 21];
  const entry = new RecordedEntry(fields, [], whole, ends);
  t.strictSame(
    entry.parts.map((part) => part.toString()),
    events.map((part) => part.toString()),
  );
  const plain: CacheEntry = { ...fields, parts: events };
  t.equal(encodeEntry(entry).toString(), encodeEntry(plain).toString(), 'same header (no private member in it), same parts');
  t.equal(entry.partBytes, 21, 'its bytes known without its parts');
  t.equal(entryBytes(entry), entryBytes(plain), 'a store counts it as the plain entry');
  const decoded = decodeEntry(encodeEntry(entry));
  t.strictSame(decoded, { ...fields, parts: events }, 'read back as the entry it was');
});

t.test('a whole answer keeps its one part as given', async (t) => {
  const body = Buffer.from('{"id":"x"}');
  const entry = new RecordedEntry({ ...fields, kind: 'json' }, [body], null, []);
  t.equal(entry.parts.length, 1);
  t.equal(entry.parts[0], body);
  t.equal(encodeEntry(entry).toString(), encodeEntry({ ...fields, kind: 'json', parts: [body] }).toString());
  t.equal(entryBytes(entry), entryBytes({ ...fields, kind: 'json', parts: [body] }));
  t.equal((entry as CacheEntry).native, undefined, 'a chat entry');
});
