// The memory store: least recently used first out, bounded by bytes, entries expire.
import t from 'tap';
import type { CacheEntry } from './entry.js';
import { entryBytes } from './entry.js';
import { MemoryCacheStore } from './memory-store.js';
import { storedAnswer } from '../../test/fixtures/cache-entry.js';

const entry = (size: number): CacheEntry => storedAnswer({ parts: [Buffer.alloc(size)] });

function store(maxBytes: number) {
  let now = 1_000;
  const seen = { evicted: 0, bytes: -1 };
  const memory = new MemoryCacheStore(maxBytes, { evicted: (count) => (seen.evicted += count), bytes: (total) => (seen.bytes = total) }, () => now);
  return { memory, seen, advance: (ms: number) => (now += ms) };
}

const SIZE = entryBytes(entry(100));

t.test('past the byte bound the least recently used entries go first', async (t) => {
  const { memory, seen } = store(3 * SIZE);
  await memory.set('a', entry(100), 60_000);
  await memory.set('b', entry(100), 60_000);
  await memory.set('c', entry(100), 60_000);
  t.ok(await memory.get('a'), 'a read: now the most recent');
  await memory.set('d', entry(100), 60_000);
  t.equal(await memory.get('b'), null, 'b, least recently used, went');
  t.ok(await memory.get('a'));
  t.ok(await memory.get('c'));
  t.ok(await memory.get('d'));
  t.strictSame(memory.stats(), { entries: 3, bytes: 3 * SIZE });
  t.equal(seen.evicted, 1);
  t.equal(seen.bytes, 3 * SIZE);
});

t.test('an entry expires after its ttl, and its bytes are given back', async (t) => {
  const { memory, advance } = store(10 * SIZE);
  await memory.set('a', entry(100), 1_000);
  advance(999);
  t.ok(await memory.get('a'));
  advance(1);
  t.equal(await memory.get('a'), null);
  t.strictSame(memory.stats(), { entries: 0, bytes: 0 });
});

t.test('replacing an entry counts its bytes once; one bigger than the whole store is not kept', async (t) => {
  const { memory, seen } = store(2 * SIZE);
  await memory.set('a', entry(100), 1_000);
  await memory.set('a', entry(100), 1_000);
  t.strictSame(memory.stats(), { entries: 1, bytes: SIZE });
  await memory.set('huge', entry(3 * SIZE), 1_000);
  t.equal(await memory.get('huge'), null);
  t.ok(await memory.get('a'), 'and it pushed nothing out');
  t.equal(seen.evicted, 0);
});

t.test('expired entries pushed out to make room are not counted as evictions', async (t) => {
  const { memory, seen, advance } = store(2 * SIZE);
  await memory.set('old', entry(100), 10);
  await memory.set('b', entry(100), 60_000);
  advance(20);
  await memory.set('c', entry(100), 60_000);
  t.equal(seen.evicted, 0);
  t.ok(await memory.get('b'));
});

t.test('getOrLock is get (a store of one router has no claim to take); setAndUnlock is set', async (t) => {
  const { memory } = store(10 * SIZE);
  t.equal(await memory.getOrLock('a'), true);
  const stored = entry(100);
  await memory.setAndUnlock('a', stored, 60_000);
  t.equal(await memory.getOrLock('a'), stored);
  t.equal(await memory.get('a'), stored);
});

t.test('eviction keeps least-recently-used order over a long run of reads, writes and evictions (against a plain model)', async (t) => {
  const { memory, seen } = store(20 * SIZE);
  // The model: keys from least to most recently used.
  const model: string[] = [];
  let modelEvicted = 0;
  let seed = 7;
  const random = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  for (let i = 0; i < 3000; i++) {
    const key = `k${random(60)}`;
    const at = model.indexOf(key);
    if (random(3) === 0) {
      t.equal((await memory.get(key)) !== null, at >= 0, `read ${i}: ${key}`);
      if (at >= 0) model.push(...model.splice(at, 1));
    } else {
      await memory.set(key, entry(100), 60_000);
      if (at >= 0) model.splice(at, 1);
      model.push(key);
      while (model.length > 20) {
        model.shift();
        modelEvicted++;
      }
    }
  }
  t.equal(seen.evicted, modelEvicted);
  t.equal(memory.stats().entries, model.length);
  for (const key of model) t.ok(await memory.get(key), `${key} kept`);
  await memory.close();
  await memory.set('after', entry(100), 60_000);
  t.ok(await memory.get('after'), 'a closed and refilled store still evicts and reads');
});
