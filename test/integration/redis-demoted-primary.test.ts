// A managed Redis (ElastiCache, Memorystore, Azure Cache) fails over by pointing one address at the new
// primary; the old primary becomes a replica in place and keeps the connections it had. A client that
// stays connected gets READONLY for every write, for ever. Here the address is a TCP proxy on loopback
// whose target is switched at the failover, with two real redis-servers behind it: the budget store
// must reconnect on READONLY and land on the new primary, with no restart.
import t from 'tap';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { RedisBudgetStore } from '../../src/budgets/redis-store.js';
import { keyRecord, testBase } from '../../src/budgets/test-support.js';
import { waitFor } from '../fixtures/wait.js';
import { skipFileWithoutRedis, startRedisServer } from '../fixtures/redis-server.js';

skipFileWithoutRedis(t);

/** A TCP proxy to `target.port`, read at each new connection (the address's DNS answer, as it were). */
async function addressProxy(target: { port: number }): Promise<{ readonly port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

t.test('a primary demoted behind the same address: the store reconnects on READONLY and reaches the new primary', async (t) => {
  const [first, second] = [await startRedisServer(), await startRedisServer()];
  t.teardown(() => Promise.all([first.dispose(), second.dispose()]));
  const admin = { first: new Redis(first.url), second: new Redis(second.url) };
  t.teardown(() => [admin.first, admin.second].forEach((client) => client.disconnect()));
  await admin.second.replicaof('127.0.0.1', first.port);
  await waitFor('the replica in sync', async () => (await admin.second.info('replication')).includes('master_link_status:up'), 10_000);
  const target = { port: first.port };
  const proxy = await addressProxy(target);
  t.teardown(() => proxy.close());

  const store = new RedisBudgetStore({ url: `redis://127.0.0.1:${proxy.port}`, keyPrefix: 'demoted', commandTimeoutMs: 2000 });
  t.teardown(() => store.close());
  await store.ready(5000);
  const base = testBase();
  await store.putKey(keyRecord('k1', { tokensPerDay: 100 }));
  const before = await store.reserve('k1', 10, base, 60_000);
  t.ok(before.ok, 'served by the first primary');

  await waitFor('the reservation replicated', async () => (await admin.second.hlen('demoted:{k1}:held')) === 1, 10_000);

  // The failover: the second server becomes the primary, the first its replica (its clients stay
  // connected), and the address now leads to the second.
  await admin.second.replicaof('NO', 'ONE');
  await admin.first.replicaof('127.0.0.1', second.port);
  target.port = second.port;
  await t.rejects(admin.first.set('probe', '1'), /READONLY/, 'the old primary refuses writes on its open connections');

  const after = await waitFor(
    'a reservation on the new primary',
    async () => {
      const outcome = await store.reserve('k1', 10, base + 10, 60_000).catch(() => null);
      return outcome?.ok === true ? outcome : null;
    },
    10_000,
  );
  t.ok(after.ok, 'the store works again, with no restart');
  t.equal(await admin.second.hlen('demoted:{k1}:held'), 2, 'its reservation is on the new primary, beside the one made before');
});
