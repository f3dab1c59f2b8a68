// The memory store: least recently used first out, bounded by bytes, entries expire.
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import t from 'tap';
import type { CacheEntry } from './entry.js';
import { entryBytes, partLengthsOf } from './entry.js';
import { MemoryCacheStore } from './memory-store.js';
import { recordBytes } from './memory-record.js';
import { recordedResult, storedAnswer } from '../../test/fixtures/cache-entry.js';
import { SseByteSplitter } from '../openai/sse-buffer.js';
import { Recorder } from './recorder.js';

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
  const found = await memory.getOrLock('a');
  t.strictSame(found, stored);
  t.equal(await memory.get('a'), found);
});

t.test('an entry is kept as its own bytes until it is first read, then as the one object every read returns', async (t) => {
  const { memory } = store(10 * SIZE);
  const body = Buffer.from('{"id":"x","choices":[]}');
  const stored = storedAnswer({ parts: [body], usage: { prompt: 3, cached: null, completion: 4 }, costNanoUsd: 1200, finish: ['stop'], native: 'responses' });
  await memory.set('a', stored, 60_000);
  body.fill(0x20);
  const first = memory.readLocal('a');
  t.strictSame(first, { ...stored, parts: [Buffer.from('{"id":"x","choices":[]}')] }, 'the bytes as they were when set, and every field');
  t.not(first, stored);
  t.equal(first!.parts[0]!.buffer.byteLength, recordBytes(stored, partLengthsOf(stored)), 'in bytes of its own, not a view of a page or a shared slab');
  t.equal(memory.readLocal('a'), first, 'read again: the same object, so its replay templates are kept');
  t.equal(await memory.get('a'), first);
});

t.test('entries of many sizes, churned through evictions and compaction, come back byte for byte', async (t) => {
  const { memory } = store(4 << 20);
  let seed = 3;
  const random = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  const contentOf = (key: string, version: number): Buffer => Buffer.alloc(2000 + ((version * 7919) % 14_000), `${key}.${version};`);
  const versions = new Map<string, number>();
  let wrong = 0;
  let hits = 0;
  for (let i = 0; i < 40_000; i++) {
    const key = `k${random(400)}`;
    if (random(5) >= 2) {
      const found = memory.readLocal(key);
      if (found === null) continue;
      hits++;
      if (!found.parts[0]!.equals(contentOf(key, versions.get(key)!))) wrong++;
    } else {
      versions.set(key, i);
      await memory.set(key, storedAnswer({ parts: [contentOf(key, i)] }), 60_000);
    }
  }
  t.ok(hits > 10_000, `${hits} hits`);
  t.equal(wrong, 0, 'no hit had bytes other than those stored');
});

t.test('an entry replaced or expired is let go, though its page stays for the entries still in it', async (t) => {
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const { memory, advance } = store(1 << 20);
  await memory.set('cold', entry(100), 60_000);
  const gone: WeakRef<object>[] = [];
  for (let i = 0; i < 50; i++) {
    await memory.set('hot', entry(100), 60_000);
    gone.push(new WeakRef(memory.readLocal('hot')!));
  }
  await memory.set('expires', entry(100), 10);
  gone.push(new WeakRef(memory.readLocal('expires')!));
  advance(20);
  t.equal(memory.readLocal('expires'), null);
  await memory.set('hot', entry(100), 60_000);
  // WeakRefs made in this job are kept until it ends.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  t.equal(gone.filter((ref) => ref.deref() !== undefined).length, 0, 'no entry the store let go is still reachable');
  t.ok(memory.readLocal('cold'), 'the entry still in their page is kept');
});

t.test('an entry bigger than a quarter of a page is kept in a page of its own, and given back with it', async (t) => {
  const { memory } = store(1 << 20);
  const big = Buffer.alloc(100_000, 'b');
  await memory.set('big', storedAnswer({ parts: [big] }), 60_000);
  await memory.set('small', entry(100), 60_000);
  t.equal(Buffer.compare(memory.readLocal('big')!.parts[0]!, big), 0);
  t.ok(memory.readLocal('small'));
  t.equal(memory.arenaBytes, 1 << 16, 'read, the big entry left the arena; the small one is in the one shared page');
});

t.test('a recorded stream is kept and read back part by part', async (t) => {
  const { memory } = store(1 << 20);
  const recorder = new Recorder(1 << 20);
  const events = ['{"a":1}', '{"b":2,"finish_reason":"stop"}', '{"usage":{}}'].map((payload) => `data: ${payload}\n\n`).join('');
  const split = new SseByteSplitter().push(Buffer.from(events + 'data: [DONE]\n\n'));
  recorder.events(split.buffer, split.events);
  const recorded = recorder.entry(recordedResult(), 5)!;
  await memory.set('s', recorded, 60_000);
  const read = memory.readLocal('s')!;
  t.strictSame(
    read.parts.map((part) => part.toString()),
    ['{"a":1}', '{"b":2,"finish_reason":"stop"}', '{"usage":{}}'],
  );
  t.strictSame(read.finish, ['stop']);
  t.equal(read.createdMs, 5);
});

t.test('a store churned through with reads, replacements and expiries keeps every entry intact and its pages bounded', async (t) => {
  const { memory, advance } = store(40 * SIZE);
  let seed = 11;
  const random = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  const contentOf = (key: string, version: number): Buffer => Buffer.alloc(50 + (version % 200), `${key}.${version};`);
  const versions = new Map<string, number>();
  let mostArena = 0;
  for (let i = 0; i < 20_000; i++) {
    const key = `k${random(200)}`;
    const roll = random(10);
    if (roll < 3) {
      const found = memory.readLocal(key);
      if (found !== null) t.equal(Buffer.compare(found.parts[0]!, contentOf(key, versions.get(key)!)), 0, `read ${i}: ${key}`);
    } else {
      versions.set(key, i);
      await memory.set(key, storedAnswer({ parts: [contentOf(key, i)] }), roll === 9 ? 5 : 60_000);
    }
    if (random(50) === 0) advance(10);
    mostArena = Math.max(mostArena, memory.arenaBytes);
  }
  t.ok(memory.stats().entries > 10, 'entries were kept');
  t.ok(mostArena <= 2 * (40 * SIZE + 2 * (1 << 16)), `the pages held at most ${mostArena} bytes`);
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
