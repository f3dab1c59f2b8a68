// One suite every ResponseStore must pass, on the memory store and on a real Redis (two connections,
// as two routers; a three-node cluster under SWITCHYARD_TEST_REDIS=cluster, see
// test/integration/redis-cluster-scripts.test.ts). Time is passed in or waited on in milliseconds only
// where Redis keeps the clock.
import t, { type Test } from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeClient, createRedisClient, whenReady } from '../../budgets/redis-connection.js';
import { startTestRedis } from '../../../test/fixtures/redis-cluster.js';
import { redisServerMissing } from '../../../test/fixtures/redis-server.js';
import { MemoryResponseStore } from './memory-store.js';
import { RedisResponseStore } from './redis-store.js';
import type { ResponseRecord, ResponseStore } from './store.js';

const DAY = 86_400_000;
let ids = 0;
const fresh = (): string => `resp_${(++ids).toString(16).padStart(8, '0')}${process.pid.toString(16).padStart(24, '0')}`;

function record(owner: string, text = 'hello', prev: string | null = null): ResponseRecord {
  return {
    owner,
    prev,
    response: { id: 'x', object: 'response', output: [{ type: 'message', content: [{ type: 'output_text', text }] }] },
    input: [{ id: 'msg_1', type: 'message', role: 'user', content: [{ type: 'input_text', text: `q ${text} "\u2028 😀` }] }],
  };
}

interface Harness {
  readonly name: string;
  open(): Promise<{ store: ResponseStore; peer: ResponseStore }>;
  /** Lets `ms` pass for the store's clock. */
  pass(ms: number): Promise<void>;
}

function contract(parent: Test, harness: Harness): void {
  parent.test(`${harness.name}: response store contract`, async (t) => {
    t.test('put → get by its owner, on the other router too; exact round trip', async (t) => {
      const { store, peer } = await harness.open();
      const id = fresh();
      t.equal(await store.put(id, record('key-a'), DAY), true);
      t.strictSame(await peer.get(id, 'key-a'), record('key-a'));
      t.strictSame(await store.get(id, 'key-a'), record('key-a'));
    });

    t.test('another owner sees nothing and deletes nothing', async (t) => {
      const { store, peer } = await harness.open();
      const id = fresh();
      await store.put(id, record('key-a'), DAY);
      t.equal(await peer.get(id, 'key-b'), null);
      t.equal(await peer.get(id, 'key-a"'), null, 'an owner that is a prefix-trick of the real one');
      t.equal(await peer.delete(id, 'key-b'), false);
      t.strictSame(await store.get(id, 'key-a'), record('key-a'), 'still there for its owner');
    });

    t.test('delete by the owner: once; then gone everywhere', async (t) => {
      const { store, peer } = await harness.open();
      const id = fresh();
      await store.put(id, record('key-a'), DAY);
      t.equal(await peer.delete(id, 'key-a'), true);
      t.equal(await store.delete(id, 'key-a'), false);
      t.equal(await store.get(id, 'key-a'), null);
      t.equal(await store.get(fresh(), 'key-a'), null, 'an id never stored');
    });

    t.test('a record lives for its TTL', async (t) => {
      const { store } = await harness.open();
      const id = fresh();
      await store.put(id, record('key-a'), 300);
      t.not(await store.get(id, 'key-a'), null);
      await harness.pass(400);
      t.equal(await store.get(id, 'key-a'), null);
    });

    t.test('a record over the entry bound is not kept', async (t) => {
      const { store } = await harness.open();
      const id = fresh();
      t.equal(await store.put(id, record('key-a', 'x'.repeat(5000)), DAY), false);
      t.equal(await store.get(id, 'key-a'), null);
    });
  });
}

let clock = Date.now();
contract(t, {
  name: 'memory',
  open() {
    const store = new MemoryResponseStore({ maxBytes: 1 << 20, maxEntryBytes: 4096, now: () => clock });
    return Promise.resolve({ store, peer: store });
  },
  pass(ms) {
    clock += ms;
    return Promise.resolve();
  },
});

t.test('memory: the bytes bound evicts the least recently used', async (t) => {
  let evicted = 0;
  const one = Buffer.byteLength(JSON.stringify(record('k', 'a')));
  const store = new MemoryResponseStore({ maxBytes: one * 2, maxEntryBytes: one * 2, evicted: (n) => (evicted += n) });
  await store.put('a', record('k', 'a'), DAY);
  await store.put('b', record('k', 'b'), DAY);
  await store.get('a', 'k');
  await store.put('c', record('k', 'c'), DAY);
  t.not(await store.get('a', 'k'), null, 'read recently: kept');
  t.equal(await store.get('b', 'k'), null, 'the least recently used went');
  t.equal(evicted, 1);
  t.strictSame(store.stats(), { entries: 2, bytes: one * 2 });
});

// Inside a test of its own, so the root test waits while Redis starts: imported by
// test/integration/redis-cluster-scripts.test.ts after a suite that registered a root teardown, whose
// root ends as soon as its queue is empty.
if (redisServerMissing() === null) {
  t.test('redis', async (t) => {
    const target = await startTestRedis();
    const clients: ReturnType<typeof createRedisClient>[] = [];
    t.teardown(async () => {
      await Promise.all(clients.map((client) => closeClient(client)));
      await target.dispose();
    });
    const connect = async (): Promise<RedisResponseStore> => {
      const client = createRedisClient({ ...target.connection, keyPrefix: 'contract' });
      clients.push(client);
      await whenReady(client, 5000);
      return new RedisResponseStore(client, 'contract', 4096, () => Promise.resolve());
    };
    contract(t, {
      name: `redis (${target.kind})`,
      async open() {
        return { store: await connect(), peer: await connect() };
      },
      async pass(ms) {
        await sleep(ms);
      },
    });
  });
}
