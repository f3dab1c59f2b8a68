// The memory store's records: every kind of entry reads back as it was written, whatever its fields hold.
import t, { type Test } from 'tap';
import { partLengthsOf, type CacheEntry } from './entry.js';
import { readRecord, recordBytes, writeRecord } from './memory-record.js';
import { RecordedEntry } from './recorded-entry.js';

function roundTrip(t: Test, entry: CacheEntry, at = 0): CacheEntry {
  const lengths = partLengthsOf(entry);
  const bytes = recordBytes(entry, lengths);
  // Written amid other bytes, as in a page: the record must stay within its own.
  const page = Buffer.alloc(at + bytes + 16, 0xee);
  writeRecord(entry, lengths, page, at);
  t.equal(
    page.subarray(at + bytes).every((byte) => byte === 0xee),
    true,
    'nothing written past the record',
  );
  return readRecord(Buffer.from(page.subarray(at, at + bytes)));
}

const FIELDS = {
  endpoint: 'chat',
  kind: 'sse',
  status: 200,
  createdMs: 1_764_800_000_123,
  alias: 'chat',
  tier: 'small',
  pool: 'gpu',
  usage: { prompt: 7, cached: null, completion: 3 },
  costNanoUsd: 47_500.25,
  finish: ['stop', 'length'],
} as const;

t.test('a plain entry of each endpoint, kind and native API reads back as it was', async (t) => {
  const plain: CacheEntry = { ...FIELDS, parts: [Buffer.from('{"a":1}'), Buffer.alloc(0), Buffer.from('é')] };
  t.strictSame(roundTrip(t, plain, 5), plain);
  for (const endpoint of ['completions', 'embeddings'] as const) {
    const entry: CacheEntry = { ...FIELDS, endpoint, kind: 'json', parts: [Buffer.from('{}')] };
    t.strictSame(roundTrip(t, entry), entry, endpoint);
  }
  for (const native of ['responses', 'messages'] as const) {
    const entry: CacheEntry = { ...FIELDS, native, parts: [Buffer.from('event: x\ndata: {}\n\n')] };
    t.strictSame(roundTrip(t, entry), entry, native);
  }
});

t.test('absent usage and cost, a cached count, no finish reasons, text in any script', async (t) => {
  const cases: CacheEntry[] = [
    { ...FIELDS, usage: null, costNanoUsd: null, finish: [], parts: [] },
    { ...FIELDS, usage: { prompt: 0, cached: 5, completion: 0 }, costNanoUsd: 0, parts: [Buffer.from('x')] },
    { ...FIELDS, alias: 'modèle "α"\n\ud800', tier: '', pool: '池😀\udfff', finish: ['a"\\', 'stöp'], status: 203, parts: [Buffer.from('y')] },
  ];
  for (const entry of cases) t.strictSame(roundTrip(t, entry), entry);
});

t.test('a recorded entry (its parts one buffer) reads back as its plain form', async (t) => {
  const recorded = new RecordedEntry(FIELDS, [], Buffer.from('abcdef'), [2, 2, 6]);
  t.strictSame(roundTrip(t, recorded), { ...FIELDS, parts: [Buffer.from('ab'), Buffer.alloc(0), Buffer.from('cdef')] });
  const json = new RecordedEntry({ ...FIELDS, kind: 'json' }, [Buffer.from('{"id":"x"}')], null, []);
  t.strictSame(roundTrip(t, json), { ...FIELDS, kind: 'json', parts: [Buffer.from('{"id":"x"}')] });
});
