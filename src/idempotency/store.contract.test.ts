// One suite every IdempotencyStore must pass, run on the memory store and on a real redis-server (two
// connections, as two routers). Time is passed in, never slept on.
import t from 'tap';
import { startTestRedis } from '../../test/fixtures/redis-cluster.js';
import { redisServerMissing, startRedisServer } from '../../test/fixtures/redis-server.js';
import { MemoryIdempotencyStore } from './memory-store.js';
import { RedisIdempotencyStore } from './redis-store.js';
import type { IdempotencyStore } from './store.js';

const NOW = Date.now();
const DAY = 86_400_000;
const PENDING_MS = 60_000;
const ANSWER = { status: 200, bytes: Buffer.from('{"v":1}\nbinary \u0000\xff bytes kept', 'latin1') };

interface Harness {
  readonly name: string;
  /** Two views of one fresh store: `peer` is another router (the same object for memory). */
  open(): Promise<{ store: IdempotencyStore; peer: IdempotencyStore }>;
}

let ids = 0;
const fresh = () => `id-${++ids}-${process.pid}`;

function contract(harness: Harness): void {
  t.test(`${harness.name}: idempotency store contract`, async (t) => {
    t.test('claim → finish → replay, seen by the other router', async (t) => {
      const { store, peer } = await harness.open();
      const id = fresh();
      t.strictSame(await store.claim(id, 'fp', 'r1:a', NOW, PENDING_MS), { kind: 'claimed' });
      t.strictSame(await peer.claim(id, 'fp', 'r2:b', NOW + 1, PENDING_MS), { kind: 'pending', expiresAt: NOW + PENDING_MS });
      t.strictSame(await peer.claim(id, 'other', 'r2:b', NOW + 1, PENDING_MS), { kind: 'mismatch' }, 'another body, even while pending');
      t.equal(await peer.finish(id, 'r2:b', ANSWER, NOW + 2, DAY), false, 'only the owner finishes');
      t.equal(await store.finish(id, 'r1:a', ANSWER, NOW + 5, DAY), true);
      t.strictSame(await peer.claim(id, 'fp', 'r2:c', NOW + 10, PENDING_MS), { kind: 'done', answer: ANSWER, storedAt: NOW + 5 }, 'the bytes come back exact');
      t.strictSame(await peer.claim(id, 'other', 'r2:c', NOW + 10, PENDING_MS), { kind: 'mismatch' });
      t.equal(await store.finish(id, 'r1:a', ANSWER, NOW + 11, DAY), false, 'a done record is final');
      t.equal(await store.abandon(id, 'r1:a', NOW + 11), false, 'and cannot be abandoned');
    });

    t.test('abandon: the key is free again, for the next claim only', async (t) => {
      const { store, peer } = await harness.open();
      const id = fresh();
      await store.claim(id, 'fp', 'r1:a', NOW, PENDING_MS);
      t.equal(await peer.abandon(id, 'r2:b', NOW + 1), false, 'not the owner');
      t.equal(await store.abandon(id, 'r1:a', NOW + 1), true);
      t.equal(await store.abandon(id, 'r1:a', NOW + 2), false, 'once');
      t.strictSame(await peer.claim(id, 'other', 'r2:b', NOW + 3, PENDING_MS), { kind: 'claimed' }, 'any body may use a freed key');
      t.equal(await store.finish(id, 'r1:a', ANSWER, NOW + 4, DAY), false, 'the old owner cannot finish over the new one');
    });

    t.test('renew: the owner keeps its pending record alive; nobody else, nor after it is done or lapsed', async (t) => {
      const { store, peer } = await harness.open();
      const id = fresh();
      await store.claim(id, 'fp', 'r1:a', NOW, 10_000);
      t.equal(await peer.renew(id, 'r2:b', NOW + 5_000, 10_000), false, 'not the owner');
      t.equal(await store.renew(id, 'r1:a', NOW + 5_000, 10_000), true);
      t.strictSame(await peer.claim(id, 'fp', 'r2:b', NOW + 12_000, 10_000), { kind: 'pending', expiresAt: NOW + 15_000 }, 'alive past its first lease');
      t.equal(await store.renew(id, 'r1:a', NOW + 15_000, 10_000), false, 'a lease that lapsed is not renewed');
      t.strictSame(await peer.claim(id, 'fp', 'r2:b', NOW + 15_000, 10_000), { kind: 'claimed' });
      t.equal(await peer.finish(id, 'r2:b', ANSWER, NOW + 15_001, DAY), true);
      t.equal(await peer.renew(id, 'r2:b', NOW + 15_002, 10_000), false, 'a done record is final');
      t.equal((await store.claim(id, 'fp', 'r3:c', NOW + 30_000, 10_000)).kind, 'done', 'kept for its TTL, not a lease');
    });

    t.test('expiry: a pending record dies with its deadline, a done one with its TTL', async (t) => {
      const { store, peer } = await harness.open();
      const id = fresh();
      await store.claim(id, 'fp', 'r1:a', NOW, PENDING_MS);
      t.strictSame(await peer.claim(id, 'fp', 'r2:b', NOW + PENDING_MS, PENDING_MS), { kind: 'claimed' }, "a dead router's claim lapses");
      t.equal(await store.finish(id, 'r1:a', ANSWER, NOW + PENDING_MS + 1, DAY), false, 'and its owner lost it');
      t.equal(await peer.finish(id, 'r2:b', ANSWER, NOW + PENDING_MS + 1, 5_000), true);
      t.equal((await store.claim(id, 'fp', 'r3:c', NOW + PENDING_MS + 5_000, PENDING_MS)).kind, 'done', 'until the TTL');
      t.strictSame(await store.claim(id, 'other', 'r3:c', NOW + PENDING_MS + 5_001, PENDING_MS), { kind: 'claimed' }, 'after it, a new key');
    });

    t.test('a race: of 20 claims at once, across both routers, one wins', async (t) => {
      const { store, peer } = await harness.open();
      const id = fresh();
      const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store : peer).claim(id, 'fp', `r:${i}`, NOW, PENDING_MS)));
      t.equal(claims.filter((c) => c.kind === 'claimed').length, 1);
      t.equal(claims.filter((c) => c.kind === 'pending').length, 19);
      const winner = claims.findIndex((c) => c.kind === 'claimed');
      const finishes = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? peer : store).finish(id, `r:${i}`, ANSWER, NOW + 1, DAY)));
      t.strictSame(
        finishes.map((ok, i) => [i, ok]).filter(([, ok]) => ok),
        [[winner, true]],
        "only the winner's finish lands",
      );
    });
  });
}

contract({
  name: 'memory',
  async open() {
    const store = new MemoryIdempotencyStore(1 << 20);
    return { store, peer: store };
  },
});

t.test('memory: the bytes bound evicts the oldest answers', async (t) => {
  const store = new MemoryIdempotencyStore(100);
  const answer = (n: number) => ({ status: 200, bytes: Buffer.alloc(n) });
  for (const [id, size] of [
    ['a', 40],
    ['b', 40],
  ] as const) {
    await store.claim(id, 'fp', 'o', NOW, PENDING_MS);
    await store.finish(id, 'o', answer(size), NOW, DAY);
  }
  await store.claim('c', 'fp', 'o', NOW, PENDING_MS);
  await store.finish('c', 'o', answer(40), NOW, DAY);
  t.equal(store.size, 80);
  t.equal((await store.claim('a', 'fp', 'x', NOW, PENDING_MS)).kind, 'claimed', 'the oldest went');
  t.equal((await store.claim('b', 'fp', 'x', NOW, PENDING_MS)).kind, 'done');
  await store.claim('big', 'fp', 'o', NOW, PENDING_MS);
  t.equal(await store.finish('big', 'o', answer(101), NOW, DAY), true);
  t.equal(store.size, 80, 'an answer larger than the bound is not kept, and evicts nothing');
  t.equal((await store.claim('big', 'fp', 'x', NOW, PENDING_MS)).kind, 'claimed');
});

if (redisServerMissing() === null) {
  const server = await startRedisServer();
  // The contract's Redis: a three-node cluster with SWITCHYARD_TEST_REDIS=cluster (test/integration/redis-cluster-scripts.test.ts).
  const target = await startTestRedis();
  const opened: RedisIdempotencyStore[] = [];
  t.teardown(async () => {
    await Promise.all(opened.map((store) => store.close()));
    await Promise.all([server.dispose(), target.dispose()]);
  });
  contract({
    name: 'redis',
    async open() {
      const store = new RedisIdempotencyStore({ ...target.connection, keyPrefix: 'contract' });
      const peer = new RedisIdempotencyStore({ ...target.connection, keyPrefix: 'contract' });
      opened.push(store, peer);
      await Promise.all([store.ready(), peer.ready()]);
      return { store, peer };
    },
  });

  t.test('redis: one key per record, hash-tagged, with a TTL', async (t) => {
    const store = new RedisIdempotencyStore({ url: server.url, keyPrefix: 'layout' });
    opened.push(store);
    await store.ready();
    const { Redis } = await import('ioredis');
    const admin = new Redis(server.url);
    t.teardown(() => admin.quit());
    await store.claim('abc', 'fp', 'o', Date.now(), PENDING_MS);
    t.strictSame(await admin.keys('layout:*'), ['layout:{i:abc}']);
    const pendingTtl = await admin.pttl('layout:{i:abc}');
    t.ok(pendingTtl > 0 && pendingTtl <= PENDING_MS, `pending expires with its deadline (${pendingTtl} ms)`);
    await store.finish('abc', 'o', ANSWER, Date.now(), DAY);
    const doneTtl = await admin.pttl('layout:{i:abc}');
    t.ok(doneTtl > PENDING_MS && doneTtl <= DAY, `done expires with the TTL (${doneTtl} ms)`);
    t.strictSame(await admin.hkeys('layout:{i:abc}'), ['state', 'fp', 'exp', 'status', 'answer', 'at']);
  });
} else {
  t.comment(redisServerMissing() ?? '');
}
