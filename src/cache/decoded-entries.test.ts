// The same stored bytes decode to the same entry object (so its replay templates are kept); other bytes
// under the hash are decoded anew; the memo stays within its bound and copies what it keeps.
import t from 'tap';
import { DecodedEntries } from './decoded-entries.js';
import { decodeEntry, encodeEntry, type CacheEntry } from './entry.js';

const entry = (content: string, createdMs = 1): CacheEntry => ({
  endpoint: 'chat',
  kind: 'json',
  status: 200,
  createdMs,
  alias: 'm',
  tier: 'small',
  pool: 'p',
  usage: { prompt: 3, cached: null, completion: 2 },
  costNanoUsd: null,
  finish: ['stop'],
  parts: [Buffer.from(JSON.stringify({ id: 'chatcmpl-1', choices: [{ message: { content } }] }))],
});

t.test('bytes read again give the entry decoded the first time', async (t) => {
  const memo = new DecodedEntries();
  const bytes = encodeEntry(entry('hello'));
  const first = memo.decode('h1', Buffer.from(bytes));
  t.strictSame(first, decodeEntry(bytes));
  t.equal(memo.decode('h1', Buffer.from(bytes)), first, 'the same object, from another read of the same bytes');
  t.not(memo.decode('h2', Buffer.from(bytes)), first, 'another hash is decoded on its own');
});

t.test('other bytes under the hash are decoded again and replace the old entry', async (t) => {
  const memo = new DecodedEntries();
  const old = memo.decode('h', encodeEntry(entry('old', 1)));
  const renewed = memo.decode('h', encodeEntry(entry('new', 2)));
  t.not(renewed, old);
  t.equal(renewed?.createdMs, 2);
  t.equal(memo.decode('h', encodeEntry(entry('new', 2))), renewed);
});

t.test('bytes that are no entry are null, and not kept', async (t) => {
  const memo = new DecodedEntries();
  t.equal(memo.decode('h', Buffer.from('not an entry')), null);
  t.equal(memo.size, 0);
});

t.test('what is kept is a copy: the buffer read may be reused', async (t) => {
  const memo = new DecodedEntries();
  const read = Buffer.from(encodeEntry(entry('kept')));
  const decoded = memo.decode('h', read);
  read.fill(0);
  t.strictSame(decoded?.parts[0]?.toString(), JSON.stringify({ id: 'chatcmpl-1', choices: [{ message: { content: 'kept' } }] }));
  t.equal(memo.decode('h', encodeEntry(entry('kept'))), decoded);
});

t.test('bounded by bytes: older entries are dropped a generation at a time', async (t) => {
  const one = encodeEntry(entry('x'.repeat(100))).length;
  const memo = new DecodedEntries(one * 8); // four entries a generation
  const first = memo.decode('h0', encodeEntry(entry('x'.repeat(100))));
  for (let i = 1; i < 8; i++) memo.decode(`h${i}`, encodeEntry(entry('x'.repeat(100))));
  t.equal(memo.size, 8);
  t.equal(memo.decode('h0', encodeEntry(entry('x'.repeat(100)))), first, 'in the older generation: found and kept');
  for (let i = 8; i < 20; i++) memo.decode(`h${i}`, encodeEntry(entry('x'.repeat(100))));
  t.ok(memo.size <= 8, `at most two generations of four (${memo.size})`);
  t.not(memo.decode('h1', encodeEntry(entry('x'.repeat(100)))), null, 'a dropped entry is decoded again');
  t.notOk(memo.size > 8);
});

t.test('an entry over half the bound is decoded but not kept', async (t) => {
  const big = encodeEntry(entry('y'.repeat(1000)));
  const memo = new DecodedEntries(big.length);
  const decoded = memo.decode('big', big);
  t.strictSame(decoded, decodeEntry(big));
  t.equal(memo.size, 0);
});
