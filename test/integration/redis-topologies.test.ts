// The other Redis set-ups of budgets.redis, each against a real redis-server started here: TLS with a
// CA and a client certificate (openssl makes them at test time; Debian's redis-server is built with
// TLS), an ACL user whose password comes from the environment, and Sentinel (redis-server --sentinel,
// the same binary, so CI needs no other package). Each goes from router.yaml through the loader and
// redisConnectionOptions to the budget store, as the router does; a wrong CA, a missing client
// certificate, a wrong password and an unknown master name are refused.
import t, { type Test } from 'tap';
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { redisConnectionOptions } from '../../src/budgets/redis-options.js';
import { RedisBudgetStore } from '../../src/budgets/redis-store.js';
import { StoreUnavailableError } from '../../src/budgets/store.js';
import { keyRecord, testBase } from '../../src/budgets/test-support.js';
import { parseConfigObject } from '../../src/config/load.js';
import type { RedisConfig } from '../../src/config/types.js';
import { freePort } from '../fixtures/free-port.js';
import { waitFor } from '../fixtures/wait.js';
import { startRedisCluster } from '../fixtures/redis-cluster.js';
import { launch, skipFileWithoutRedis, startRedisServer, terminate } from '../fixtures/redis-server.js';

skipFileWithoutRedis(t);
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'switchyard-redis-topologies-'));
const children: ChildProcess[] = [];
t.teardown(async () => {
  await Promise.all(children.map((child) => terminate(child)));
  rmSync(dir, { recursive: true, force: true });
});

/** budgets.redis through the loader (paths relative to a router.yaml in `dir`), then the store's options. */
function storeFor(redis: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): RedisBudgetStore {
  const loaded = parseConfigObject(
    {
      budgets: { store: 'redis', redis: { ...redis, commandTimeoutMs: 2000 } },
      models: { m: { tiers: ['t'] } },
      tiers: { t: { pools: ['p'] } },
      pools: { p: { engine: 'vllm', servedModel: 'x', replicas: [{ url: 'http://gpu:8000' }] } },
    },
    { env, source: join(dir, 'router.yaml') },
  );
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  const config: RedisConfig | undefined = loaded.config.budgets.redis;
  if (config === undefined) throw new Error('no budgets.redis');
  return new RedisBudgetStore({ ...redisConnectionOptions(config, env), keyPrefix: 'topo' });
}

/** The store works end to end: a key is stored, a reservation made and settled, the usage read back. */
async function works(store: RedisBudgetStore): Promise<number | undefined> {
  await store.ready(5000);
  const base = testBase();
  await store.putKey(keyRecord('k1', { tokensPerDay: 100 }));
  const outcome = await store.reserve('k1', 10, base, 60_000);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome));
  await store.settle(outcome.reservation, 7, base + 1);
  return (await store.usage('k1', base + 2))?.tokens.find((p) => p.period === 'day')?.used;
}

async function refused(t: Test, store: RedisBudgetStore, what: string): Promise<void> {
  await t.rejects(store.ready(1500), StoreUnavailableError, what);
  await store.close();
}

t.test('TLS: rediss:// with a CA and a client certificate from files named in router.yaml', async (t) => {
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  const subject = (cn: string) => ['-subj', `/CN=${cn}`];
  await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-keyout', 'ca.key', '-out', 'ca.pem', ...subject('switchyard test CA'));
  await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-keyout', 'other-ca.key', '-out', 'other-ca.pem', ...subject('another CA'));
  writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  for (const name of ['server', 'client']) {
    await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, ...subject(name));
    await openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-out', `${name}.pem`, '-extfile', 'san.cnf');
  }
  const [plain, tls] = [await freePort(), await freePort()];
  const args = ['--port', String(plain), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
  args.push('--tls-port', String(tls), '--tls-cert-file', join(dir, 'server.pem'), '--tls-key-file', join(dir, 'server.key'));
  args.push('--tls-ca-cert-file', join(dir, 'ca.pem'), '--tls-auth-clients', 'yes');
  // Ready when the plain port answers PING; the stores use only the TLS port.
  children.push(await launch(args, plain));
  const url = `rediss://127.0.0.1:${tls}`;

  const store = storeFor({ url, tls: { ca: 'ca.pem', cert: 'client.pem', key: 'client.key' } });
  t.teardown(() => store.close());
  t.equal(await works(store), 7, 'served over TLS, the client verified by the server and the server by the CA');
  await refused(t, storeFor({ url, tls: { ca: 'other-ca.pem', cert: 'client.pem', key: 'client.key' } }), 'a server certificate from another CA is refused');
  await refused(t, storeFor({ url, tls: { ca: 'ca.pem' } }), 'without a client certificate the server refuses the client');
  await refused(t, storeFor({ url: `redis://127.0.0.1:${tls}` }), 'plain redis:// to the TLS port does not connect');

  t.test('a TLS cluster: rediss:// seed nodes, the CA from router.yaml', async (t) => {
    const cluster = await startRedisCluster({ tls: { cert: join(dir, 'server.pem'), key: join(dir, 'server.key'), ca: join(dir, 'ca.pem') } });
    t.teardown(() => cluster.dispose());
    const store = storeFor({ cluster: { nodes: cluster.config.cluster.nodes }, tls: { ca: 'ca.pem' } });
    t.teardown(() => store.close());
    t.equal(await works(store), 7, 'served over TLS by the node that owns the slot');
    t.ok(
      (await cluster.keysPerNode()).some((n) => n > 0),
      'the keys are in the cluster',
    );
    await refused(t, storeFor({ cluster: { nodes: cluster.config.cluster.nodes }, tls: { ca: 'other-ca.pem' } }), 'a server certificate from another CA is refused');
  });
});

t.test('ACL: a user and password from the environment', async (t) => {
  const server = await startRedisServer();
  t.teardown(() => server.dispose());
  const admin = new Redis(server.url);
  t.teardown(() => admin.disconnect());
  await admin.call('ACL', 'SETUSER', 'router', 'on', '>s3cret-from-env', '~*', '+@all');
  await admin.call('ACL', 'SETUSER', 'default', 'off');
  const redis = { url: server.url, usernameEnv: 'REDIS_USER', passwordEnv: 'REDIS_PASSWORD' };
  const store = storeFor(redis, { REDIS_USER: 'router', REDIS_PASSWORD: 's3cret-from-env' });
  t.teardown(() => store.close());
  t.equal(await works(store), 7, 'authenticated as the ACL user');
  await refused(t, storeFor(redis, { REDIS_USER: 'router', REDIS_PASSWORD: 'wrong' }), 'a wrong password is refused');
  await refused(t, storeFor({ url: server.url }), 'without credentials (the default user is off) nothing works');
});

t.test('Sentinel: the client finds the master through a sentinel', async (t) => {
  const master = await startRedisServer();
  t.teardown(() => master.dispose());
  const port = await freePort();
  const config = join(dir, 'sentinel.conf');
  // Sentinel rewrites its config file, so it must be a file of its own on disk.
  writeFileSync(config, [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor mymaster 127.0.0.1 ${master.port} 1`, ''].join('\n'));
  children.push(await launch([config, '--sentinel'], port));
  const sentinels = [`redis://127.0.0.1:${port}`];

  const store = storeFor({ sentinel: { masterName: 'mymaster', sentinels } });
  t.teardown(() => store.close());
  t.equal(await works(store), 7, 'served by the master the sentinel named');
  const admin = new Redis(master.url);
  t.teardown(() => admin.disconnect());
  t.ok((await admin.keys('topo:*')).length > 0, "the keys are on the sentinel's master");
  await refused(t, storeFor({ sentinel: { masterName: 'nosuchmaster', sentinels } }), 'a master name the sentinels do not know is refused');
});

t.test('Sentinel: after a failover the store follows the new master, the keys with it', async (t) => {
  const [master, replica] = [await startRedisServer(), await startRedisServer()];
  t.teardown(() => Promise.all([master.dispose(), replica.dispose()]));
  const admin = { master: new Redis(master.url), replica: new Redis(replica.url) };
  t.teardown(() => [admin.master, admin.replica].forEach((client) => client.disconnect()));
  await admin.replica.replicaof('127.0.0.1', master.port);
  const port = await freePort();
  const config = join(dir, 'sentinel-failover.conf');
  writeFileSync(config, [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor failover 127.0.0.1 ${master.port} 1`, ''].join('\n'));
  children.push(await launch([config, '--sentinel'], port));
  const sentinel = new Redis(port, '127.0.0.1');
  t.teardown(() => sentinel.disconnect());
  // The sentinel must know the replica before it can promote it.
  await waitFor(
    'the sentinel to see the replica in sync',
    async () => {
      const replicas = (await sentinel.call('SENTINEL', 'REPLICAS', 'failover')) as string[][];
      return replicas.some((fields) => fields[fields.indexOf('master-link-status') + 1] === 'ok' && fields[fields.indexOf('flags') + 1] === 'slave');
    },
    15_000,
  );

  const store = storeFor({ sentinel: { masterName: 'failover', sentinels: [`redis://127.0.0.1:${port}`] } });
  t.teardown(() => store.close());
  t.equal(await works(store), 7, 'served by the first master');
  await sentinel.call('SENTINEL', 'FAILOVER', 'failover');
  const role = async (client: Redis): Promise<unknown> => ((await client.call('ROLE')) as unknown[])[0];
  await waitFor('the replica promoted and the old master demoted', async () => (await role(admin.replica)) === 'master' && (await role(admin.master)) === 'slave', 15_000);
  const base = testBase();
  // The sentinel closes the old master's clients; the store asks again and lands on the new one.
  const after = await waitFor(
    'a reservation on the new master',
    async () => {
      const outcome = await store.reserve('k1', 10, base + 10, 60_000).catch(() => null);
      return outcome?.ok === true ? outcome : null;
    },
    15_000,
  );
  t.ok(after.ok, 'the store works again, with no restart');
  t.equal(await admin.replica.hlen('topo:{k1}:held'), 1, 'its reservation is on the promoted replica');
  t.equal((await store.usage('k1', base + 11))?.tokens.find((p) => p.period === 'day')?.used, 7, 'and the usage moved with the data');
});
