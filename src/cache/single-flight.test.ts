// The single-flight's paths on a store in this process: a stored entry is served without a claim; a
// missing one is led at once, without a store call; while a request of this router computes it, an identical
// one waits for that answer instead of reading the store on its own.
import t from 'tap';
import { MemoryCacheStore } from './memory-store.js';
import { AbortSwitch } from '../proxy/abort-switch.js';
import { SingleFlight, type FlightRequest } from './single-flight.js';
import { storedAnswer } from '../../test/fixtures/cache-entry.js';
import type { CacheEntry } from './entry.js';
import type { CacheStore, LockResult } from './store.js';

const ENTRY = storedAnswer();

/** A memory store that counts the claims asked of it. */
function countingStore() {
  const store = new MemoryCacheStore(1 << 20, { evicted: () => {}, bytes: () => {} });
  const calls = { getOrLock: 0 };
  const getOrLock = store.getOrLock.bind(store);
  store.getOrLock = (hash: string) => {
    calls.getOrLock++;
    return getOrLock(hash);
  };
  return { store, calls };
}

const ask = (store: MemoryCacheStore, hash: string): FlightRequest => ({ store, hash, owner: 'r:1', lockTtlMs: 10_000, waitMs: 10_000, abort: new AbortSwitch() });

t.test('a stored entry is a hit without a claim; a missing one is led without asking the store', async (t) => {
  const { store, calls } = countingStore();
  await store.set('stored', ENTRY, 60_000);
  const flights = new SingleFlight();
  t.strictSame(await flights.join(ask(store, 'stored')), { kind: 'hit', entry: ENTRY, waited: false });
  t.equal(calls.getOrLock, 0, 'no claim for an entry in memory');
  const lead = await flights.join(ask(store, 'missing'));
  t.equal(lead.kind, 'lead');
  t.equal(calls.getOrLock, 0, 'no claim asked of a store only this router uses');
  if (lead.kind === 'lead') await lead.release();
  t.strictSame(flights.joinAtOnce(ask(store, 'stored')), { kind: 'hit', entry: ENTRY, waited: false }, 'decided at once, without a promise');
  const atOnce = flights.joinAtOnce(ask(store, 'missing'));
  t.equal(atOnce?.kind, 'lead');
  t.equal(flights.joinAtOnce(ask(store, 'missing')), null, 'while it leads, an identical request must wait: join()');
  if (atOnce?.kind === 'lead') await atOnce.release();
});

t.test("while this router's leader computes it, an identical request waits for the stored answer", async (t) => {
  const { store } = countingStore();
  const flights = new SingleFlight();
  const lead = await flights.join(ask(store, 'h'));
  if (lead.kind !== 'lead') throw new Error('expected to lead');
  let settled = false;
  const follower = flights.join(ask(store, 'h')).then((flight) => ((settled = true), flight));
  await new Promise((resolve) => setImmediate(resolve));
  t.notOk(settled, 'the follower waits');
  await lead.storeAndRelease(ENTRY, 60_000);
  t.strictSame(await follower, { kind: 'hit', entry: ENTRY, waited: true });
});

t.test('an identical request that finds the answer stored at its first lookup, while a leader runs, did not wait', async (t) => {
  const { store } = countingStore();
  const flights = new SingleFlight();
  const lead = await flights.join(ask(store, 'h'));
  if (lead.kind !== 'lead') throw new Error('expected to lead');
  // Another request of this router (one that bypassed the lookup, Cache-Control: no-cache) stored it.
  await store.set('h', ENTRY, 60_000);
  t.strictSame(await flights.join(ask(store, 'h')), { kind: 'hit', entry: ENTRY, waited: false });
  await lead.release();
});

/**
 * A store shared with other routers, as Redis is, in a Map: one entry and one lock. `onRead` runs
 * after each read the single-flight makes, to let another router act between two of its calls.
 */
function sharedStore(onRead: () => void): CacheStore {
  const entries = new Map<string, CacheEntry>();
  const locks = new Map<string, string>();
  const claim = (hash: string, owner: string): LockResult => {
    const holder = locks.get(hash);
    if (holder !== undefined && holder !== owner) return false;
    locks.set(hash, owner);
    return true;
  };
  return {
    kind: 'redis',
    get: async (hash) => {
      const entry = entries.get(hash) ?? null;
      onRead();
      return entry;
    },
    set: async (hash, entry) => void entries.set(hash, entry),
    lock: async (hash, owner) => claim(hash, owner),
    unlock: async (hash, owner) => void (locks.get(hash) === owner && locks.delete(hash)),
    unlockUnkept: async (hash, owner) => void (locks.get(hash) === owner && locks.delete(hash)),
    getOrLock: async (hash, owner) => {
      const found = entries.get(hash) ?? claim(hash, owner);
      onRead();
      return found;
    },
    setAndUnlock: async (hash, entry, _ttlMs, owner) => {
      entries.set(hash, entry);
      if (locks.get(hash) === owner) locks.delete(hash);
    },
    close: async () => {},
  };
}

t.test("a leader on another router that finishes between two of a poll's calls is a hit, not a second leader", async (t) => {
  let reads = 0;
  // Router 2's leader holds the claim; it stores its answer and lets go just after this router's second read.
  const store = sharedStore(() => {
    if (++reads === 2) void store.setAndUnlock('h', ENTRY, 60_000, 'router-2:1');
  });
  await store.lock('h', 'router-2:1', 10_000);
  const flight = await new SingleFlight(() => 0).join({ store, hash: 'h', owner: 'router-1:1', lockTtlMs: 10_000, waitMs: 10_000, abort: new AbortSwitch() });
  t.strictSame(flight, { kind: 'hit', entry: ENTRY, waited: true });
});
