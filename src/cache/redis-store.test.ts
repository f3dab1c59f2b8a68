// The Redis cache store on a real redis-server: entries round-trip byte for byte and expire, every
// key carries its own hash tag, the lock is one owner's at a time and only its owner releases it, a
// value that is not an entry reads as a miss, and single-flight holds across two routers' stores.
import t from 'tap';
import { Redis } from 'ioredis';
import { createRedisClient, closeClient, whenReady } from '../budgets/redis-connection.js';
import { skipFileWithoutRedis, startRedisServer } from '../../test/fixtures/redis-server.js';
import { AbortSwitch } from '../proxy/abort-switch.js';
import type { CacheEntry } from './entry.js';
import { RedisCacheStore } from './redis-store.js';
import { SingleFlight, UNKEPT_MARK_MS } from './single-flight.js';

skipFileWithoutRedis(t);
const server = await startRedisServer();
t.teardown(() => server.dispose());
const admin = new Redis(server.url);
t.teardown(() => admin.quit());

async function store(prefix = 'sy'): Promise<RedisCacheStore> {
  const client = createRedisClient({ url: server.url });
  await whenReady(client, 5_000);
  t.teardown(() => closeClient(client));
  return new RedisCacheStore(client, prefix, () => closeClient(client));
}

const HASH = 'a'.repeat(64);
const entry: CacheEntry = {
  endpoint: 'chat',
  kind: 'sse',
  status: 200,
  createdMs: 1_700_000_000_000,
  alias: 'gpu',
  tier: 'small',
  pool: 'p1',
  usage: { prompt: 7, cached: 4, completion: 3 },
  costNanoUsd: 1234,
  finish: ['stop'],
  parts: [Buffer.from('{"choices":[{"delta":{"content":"é\\n"}}]}'), Buffer.from([0xff, 0x00, 0x0a]), Buffer.alloc(0)],
};

t.test('an entry round-trips byte for byte, under its own hash tag, with its ttl', async (t) => {
  const s = await store('t1');
  t.equal(await s.get(HASH), null);
  await s.set(HASH, entry, 60_000);
  const back = await s.get(HASH);
  t.strictSame(back && { ...back, parts: back.parts.map((part) => [...part]) }, { ...entry, parts: entry.parts.map((part) => [...part]) });
  t.strictSame(await admin.keys('t1:*'), [`t1:{c:${HASH}}:e`]);
  const ttl = await admin.pttl(`t1:{c:${HASH}}:e`);
  t.ok(ttl > 59_000 && ttl <= 60_000, `pttl ${ttl}`);
});

t.test('the same stored bytes read again are the same entry object (its replay templates kept); a new answer is a new one', async (t) => {
  const s = await store('t9');
  await s.set(HASH, entry, 60_000);
  const first = await s.get(HASH);
  t.not(first, null);
  t.equal(await s.get(HASH), first);
  t.equal(await s.getOrLock(HASH, 'r1:a', 60_000), first);
  await s.set(HASH, { ...entry, createdMs: entry.createdMs + 1 }, 60_000);
  const renewed = await s.get(HASH);
  t.not(renewed, first);
  t.equal(renewed?.createdMs, entry.createdMs + 1);
});

t.test('a value that is not an entry of this version is a miss', async (t) => {
  const s = await store('t2');
  await admin.set(`t2:{c:${HASH}}:e`, 'not an entry');
  t.equal(await s.get(HASH), null);
});

t.test('the lock: one owner at a time, expiring, released only by its owner', async (t) => {
  const s = await store('t3');
  t.equal(await s.lock(HASH, 'r1:a', 60_000), true);
  t.equal(await s.lock(HASH, 'r2:b', 60_000), false);
  await s.unlock(HASH, 'r2:b');
  t.equal(await admin.get(`t3:{c:${HASH}}:lock`), 'r1:a', "another owner's unlock leaves it");
  await s.unlock(HASH, 'r1:a');
  t.equal(await s.lock(HASH, 'r2:b', 50), true, 'free once its owner let it go');
  await new Promise((resolve) => setTimeout(resolve, 120));
  t.equal(await s.lock(HASH, 'r3:c', 60_000), true, 'and once it expired');
});

t.test('getOrLock: the entry, else the lock in the same call; setAndUnlock: stored, and only its own lock let go', async (t) => {
  const s = await store('t8');
  const lockKey = `t8:{c:${HASH}}:lock`;
  t.equal(await s.getOrLock(HASH, 'r1:a', 60_000), true, 'no entry: the lock is taken');
  t.equal(await admin.get(lockKey), 'r1:a');
  const pttl = await admin.pttl(lockKey);
  t.ok(pttl > 59_000 && pttl <= 60_000, `the lock expires with ttlMs (pttl ${pttl})`);
  t.equal(await s.getOrLock(HASH, 'r2:b', 60_000), false, 'held by another');
  t.equal(await admin.get(lockKey), 'r1:a', 'and left as it was');
  await s.setAndUnlock(HASH, entry, 30_000, 'r2:b');
  t.equal(await admin.get(lockKey), 'r1:a', "another owner's store leaves the lock");
  const stored = await s.getOrLock(HASH, 'r3:c', 60_000);
  t.strictSame(
    typeof stored === 'object' && stored !== null ? { ...stored, parts: stored.parts.map((part) => [...part]) } : stored,
    { ...entry, parts: entry.parts.map((part) => [...part]) },
    'an entry: given back, byte for byte',
  );
  await admin.del(`t8:{c:${HASH}}:e`);
  await s.setAndUnlock(HASH, entry, 30_000, 'r1:a');
  t.equal(await admin.exists(lockKey), 0, "the owner's store lets its lock go");
  const ttl = await admin.pttl(`t8:{c:${HASH}}:e`);
  t.ok(ttl > 29_000 && ttl <= 30_000, `the entry expires with its ttl (pttl ${ttl})`);
  t.strictSame(await admin.keys('t8:*'), [`t8:{c:${HASH}}:e`]);
  await admin.set(`t8:{c:${HASH}}:e`, 'not an entry');
  t.equal(await s.getOrLock(HASH, 'r4:d', 60_000), true, 'bytes that are not an entry are a miss: the lock is taken');
  t.equal(await admin.get(lockKey), 'r4:d');
});

t.test('two routers (stores and single-flights of their own): the second waits for the first and gets its entry', async (t) => {
  const [one, two] = [await store('t4'), await store('t4')];
  const [flightsOne, flightsTwo] = [new SingleFlight(), new SingleFlight()];
  const request = { hash: HASH, lockTtlMs: 10_000, waitMs: 5_000, abort: new AbortSwitch() };
  const leader = await flightsOne.join({ ...request, store: one, owner: 'r1:x' });
  t.equal(leader.kind, 'lead');
  const follower = flightsTwo.join({ ...request, store: two, owner: 'r2:y' });
  await new Promise((resolve) => setTimeout(resolve, 60));
  await one.set(HASH, entry, 60_000);
  if (leader.kind === 'lead') await leader.release();
  const followed = await follower;
  t.equal(followed.kind, 'hit');
  t.equal(followed.waited, true);
  t.equal(await admin.exists(`t4:{c:${HASH}}:lock`), 0, 'the lock is gone');
});

t.test('a leader with nothing to store lets one follower lead; followers do not inherit its failure', async (t) => {
  const [one, two] = [await store('t5'), await store('t5')];
  const request = { hash: HASH, lockTtlMs: 10_000, waitMs: 5_000, abort: new AbortSwitch() };
  const leader = await new SingleFlight().join({ ...request, store: one, owner: 'r1:x' });
  const flightsTwo = new SingleFlight();
  const followers = [flightsTwo.join({ ...request, store: two, owner: 'r2:a' }), flightsTwo.join({ ...request, store: two, owner: 'r2:b' })];
  await new Promise((resolve) => setTimeout(resolve, 60));
  if (leader.kind === 'lead') await leader.release();
  const first = await Promise.race(followers);
  t.equal(first.kind, 'lead', 'one follower now leads');
  if (first.kind === 'lead') {
    await two.set(HASH, entry, 60_000);
    await first.release();
  }
  const kinds = (await Promise.all(followers)).map((flight) => flight.kind).sort();
  t.strictSame(kinds, ['hit', 'lead'], 'the other got the new leader’s answer');
});

t.test('a leader whose answer may not be kept marks the lock unkept: followers on another router run at once, as do requests that find the mark', async (t) => {
  const [one, two] = [await store('t10'), await store('t10')];
  const lockKey = `t10:{c:${HASH}}:lock`;
  const request = { hash: HASH, lockTtlMs: 10_000, waitMs: 10_000, abort: new AbortSwitch() };
  const leader = await new SingleFlight().join({ ...request, store: one, owner: 'r1:x' });
  t.equal(leader.kind, 'lead');
  const flightsTwo = new SingleFlight();
  const followers = [flightsTwo.join({ ...request, store: two, owner: 'r2:a' }), flightsTwo.join({ ...request, store: two, owner: 'r2:b' })];
  await new Promise((resolve) => setTimeout(resolve, 60));
  if (leader.kind === 'lead') await leader.release('unkept');
  t.equal(await admin.get(lockKey), 'unkept');
  const ttl = await admin.pttl(lockKey);
  t.ok(ttl > 0 && ttl <= UNKEPT_MARK_MS, `the mark expires soon (pttl ${ttl})`);
  t.strictSame(
    (await Promise.all(followers)).map((flight) => [flight.kind, flight.waited]),
    [
      ['alone', true],
      ['alone', true],
    ],
    'neither took the claim over for the other to wait on',
  );
  t.match(await new SingleFlight().join({ ...request, store: two, owner: 'r2:c' }), { kind: 'alone', waited: false }, 'a request that finds the mark');
  t.equal(await one.getOrLock(HASH, 'r1:y', 10_000), 'unkept');
  t.equal(await two.lock(HASH, 'r2:d', 10_000), 'unkept');
  // Only the owner marks: another's unlockUnkept leaves a live lock as it is.
  await admin.set(lockKey, 'r9:z');
  await one.unlockUnkept(HASH, 'r1:x', 5_000);
  t.equal(await admin.get(lockKey), 'r9:z');
});

t.test("a leader's claim is a lease renewed while it runs: if its router dies, another router's follower leads after the lease, not the deadline", async (t) => {
  const [one, two] = [await store('t11'), await store('t11')];
  // Leases of 300 ms for the test (10 s in the router), against a deadline of a minute.
  const [flightsOne, flightsTwo] = [new SingleFlight(Math.random, 300), new SingleFlight(Math.random, 300)];
  const request = { hash: HASH, lockTtlMs: 60_000, waitMs: 30_000, abort: new AbortSwitch() };
  // Router one's store stops reaching Redis when it "dies": its renewals are lost with it.
  let alive = true;
  const renew = one.renew.bind(one);
  one.renew = (...args) => (alive ? renew(...args) : Promise.resolve());
  const leader = await flightsOne.join({ ...request, store: one, owner: 'r1:x' });
  t.equal(leader.kind, 'lead');
  const lockKey = `t11:{c:${HASH}}:lock`;
  t.ok((await admin.pttl(lockKey)) <= 300, 'claimed for a lease, not for the deadline');
  await new Promise((resolve) => setTimeout(resolve, 700));
  t.equal(await admin.get(lockKey), 'r1:x', 'renewed while its leader runs, past two leases');
  alive = false;
  const started = Date.now();
  const follower = await flightsTwo.join({ ...request, store: two, owner: 'r2:y' });
  t.equal(follower.kind, 'lead', 'the follower took the lapsed claim over');
  t.ok(Date.now() - started < 5_000, 'long before its waitMs');
  if (follower.kind === 'lead') await follower.release();
  if (leader.kind === 'lead') await leader.release();
});

t.test('waiting ends at waitMs (run alone), and at once when the request is aborted', async (t) => {
  const s = await store('t6');
  await s.lock(HASH, 'someone-else', 60_000);
  const alone = await new SingleFlight().join({ store: s, hash: HASH, owner: 'r:1', lockTtlMs: 1_000, waitMs: 100, abort: new AbortSwitch() });
  t.equal(alone.kind, 'alone');
  const abort = new AbortSwitch();
  const waiting = new SingleFlight().join({ store: s, hash: HASH, owner: 'r:2', lockTtlMs: 1_000, waitMs: 10_000, abort });
  abort.abort(new Error('client gone'));
  await t.rejects(waiting, { message: 'client gone' });
});

t.test('Redis away: every call rejects (fast), none hangs', async (t) => {
  const own = await startRedisServer();
  const client = createRedisClient({ url: own.url, commandTimeoutMs: 500 });
  await whenReady(client, 5_000);
  const s = new RedisCacheStore(client, 't7', () => closeClient(client));
  t.teardown(async () => {
    await s.close();
    await own.dispose();
  });
  await own.stop();
  await t.rejects(s.get(HASH));
  await t.rejects(s.set(HASH, entry, 1_000));
  await t.rejects(s.lock(HASH, 'x', 1_000));
  await t.rejects(s.getOrLock(HASH, 'x', 1_000));
  await t.rejects(s.setAndUnlock(HASH, entry, 1_000, 'x'));
});
