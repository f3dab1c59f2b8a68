import t from 'tap';
import { decodeEntry, encodeEntry, type CacheEntry } from './entry.js';

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

// A shared store outlives router versions and may be written by anyone with its credentials: a count
// or cost that is negative would make a hit's saved-tokens and saved-USD counters throw (prom-client
// refuses to decrease a counter) after the answer was sent.
t.test('an entry whose usage or cost is negative is no entry (a miss), not a crash counting what a hit saved', async (t) => {
  t.equal(decodeEntry(encodeEntry({ ...ENTRY, costNanoUsd: -1 })), null);
  t.equal(decodeEntry(encodeEntry({ ...ENTRY, usage: { prompt: -7, cached: null, completion: 3 } })), null);
  t.equal(decodeEntry(encodeEntry({ ...ENTRY, usage: { prompt: 7, cached: -1, completion: 3 } })), null);
  t.equal(decodeEntry(encodeEntry({ ...ENTRY, usage: { prompt: 7, cached: null, completion: -3 } })), null);
});
