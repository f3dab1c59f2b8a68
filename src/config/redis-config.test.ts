// budgets.redis: each topology (one node, cluster, Sentinel), TLS files read at load and refused with
// path-prefixed errors, ACL credentials named by environment variables; and what the connection
// factory is given for each (src/budgets/redis-options.ts).
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisConnectionOptions } from '../budgets/redis-options.js';
import { loadConfigText, parseConfigObject, type LoadResult } from './load.js';
import type { RedisConfig } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-redis-config-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
writeFileSync(join(dir, 'ca.pem'), PEM);
writeFileSync(join(dir, 'client.pem'), PEM);
writeFileSync(join(dir, 'client.key'), '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
writeFileSync(join(dir, 'not-pem.txt'), 'hello');

function config(redis: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): LoadResult {
  return parseConfigObject(
    {
      budgets: { store: 'redis', redis },
      models: { m: { tiers: ['t'] } },
      tiers: { t: { pools: ['p'] } },
      pools: { p: { engine: 'vllm', servedModel: 'x', replicas: [{ url: 'http://gpu:8000' }] } },
    },
    { env, source: join(dir, 'router.yaml') },
  );
}

function redisOf(result: LoadResult): RedisConfig {
  if (!result.ok) throw new Error(`expected a valid config, got:\n${result.errors.join('\n')}`);
  const redis = result.config.budgets.redis;
  if (redis === undefined) throw new Error('no budgets.redis');
  return redis;
}

const errors = (result: LoadResult): string[] => (result.ok ? [] : result.errors);

t.test('a plain url resolves as before and is handed over unchanged', async (t) => {
  const redis = redisOf(config({ url: 'redis://cache:6379/2' }));
  t.strictSame(redis, { url: 'redis://cache:6379/2', keyPrefix: 'sy', commandTimeoutMs: 1000 });
  t.strictSame(redisConnectionOptions(redis, {}), { url: 'redis://cache:6379/2', commandTimeoutMs: 1000 });
});

t.test('cluster: seed nodes; ACL credentials from the environment', async (t) => {
  const env = { REDIS_USER: 'router', REDIS_PASSWORD: 's3cret' };
  const redis = redisOf(config({ cluster: { nodes: ['redis://r1:7000', 'redis://r2:7000'] }, usernameEnv: 'REDIS_USER', passwordEnv: 'REDIS_PASSWORD' }, env));
  t.strictSame(redis.cluster, { nodes: ['redis://r1:7000', 'redis://r2:7000'] });
  t.strictSame(redisConnectionOptions(redis, env), {
    cluster: { nodes: ['redis://r1:7000', 'redis://r2:7000'] },
    username: 'router',
    password: 's3cret',
    commandTimeoutMs: 1000,
  });
});

t.test('sentinel: master name, sentinels, db, and the sentinels own credentials', async (t) => {
  const env = { SENTINEL_PASSWORD: 'watch', REDIS_PASSWORD: 'data' };
  const redis = redisOf(
    config(
      { sentinel: { masterName: 'mymaster', sentinels: ['redis://s1:26379', 'redis://s2:26379'], db: 3, passwordEnv: 'SENTINEL_PASSWORD' }, passwordEnv: 'REDIS_PASSWORD' },
      env,
    ),
  );
  t.strictSame(redisConnectionOptions(redis, env), {
    sentinel: { masterName: 'mymaster', sentinels: ['redis://s1:26379', 'redis://s2:26379'], db: 3, password: 'watch' },
    password: 'data',
    commandTimeoutMs: 1000,
  });
});

t.test('TLS: files relative to router.yaml, read at load, their PEM text handed to the client', async (t) => {
  const redis = redisOf(config({ url: 'rediss://cache:6380', tls: { ca: 'ca.pem', cert: join(dir, 'client.pem'), key: './client.key' } }));
  t.strictSame(redis.tls, { ca: join(dir, 'ca.pem'), cert: join(dir, 'client.pem'), key: join(dir, 'client.key') });
  const options = redisConnectionOptions(redis, {});
  t.strictSame(options.tls, { ca: PEM, cert: PEM, key: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n' });
});

t.test('from YAML, as an operator writes it', async (t) => {
  const text = [
    'budgets:',
    '  store: redis',
    '  redis:',
    '    cluster:',
    '      nodes: [rediss://r1.example:6380, rediss://r2.example:6380]',
    '    tls: { ca: ca.pem }',
    '    passwordEnv: REDIS_PASSWORD',
    'models: { m: { tiers: [t] } }',
    'tiers: { t: { pools: [p] } }',
    'pools: { p: { engine: vllm, servedModel: x, replicas: [{ url: "http://gpu:8000" }] } }',
  ].join('\n');
  const result = loadConfigText(text, { env: { REDIS_PASSWORD: 'pw' }, source: join(dir, 'router.yaml') });
  t.strictSame(redisOf(result).tls, { ca: join(dir, 'ca.pem') });
});

const refusals: [name: string, redis: Record<string, unknown>, env: NodeJS.ProcessEnv, expected: string[]][] = [
  ['no target', { keyPrefix: 'x' }, {}, ['budgets.redis: needs url, urlEnv, cluster or sentinel when budgets.store is "redis"']],
  ['two targets', { url: 'redis://a:1', cluster: { nodes: ['redis://b:2'] } }, {}, ['budgets.redis: give only one of url, urlEnv, cluster and sentinel (got url and cluster)']],
  ['a URL that does not parse', { url: 'redis://[::1' }, {}, ['budgets.redis.url: not a valid URL (got "redis://[::1")']],
  ['an environment URL that does not parse', { urlEnv: 'REDIS_URL' }, { REDIS_URL: 'redis://a:port' }, ['budgets.redis.urlEnv: environment variable REDIS_URL is not a valid URL']],
  ['a missing CA file', { url: 'rediss://a:1', tls: { ca: 'missing.pem' } }, {}, [`budgets.redis.tls.ca: cannot read ${join(dir, 'missing.pem')} (ENOENT)`]],
  [
    'a key file that is not PEM',
    { url: 'rediss://a:1', tls: { cert: 'client.pem', key: 'not-pem.txt' } },
    {},
    [`budgets.redis.tls.key: ${join(dir, 'not-pem.txt')} is not a PEM file (no "-----BEGIN" line)`],
  ],
  [
    'a cert without its key',
    { url: 'rediss://a:1', tls: { cert: 'client.pem' } },
    {},
    ['budgets.redis.tls: cert and key go together (a client certificate needs its private key)'],
  ],
  [
    'TLS files on a redis:// URL',
    { url: 'redis://a:1', tls: { ca: 'ca.pem' } },
    {},
    ['budgets.redis.tls: the TLS files need rediss:// URLs (this connection is redis://, without TLS)'],
  ],
  [
    'cluster nodes with mixed schemes',
    { cluster: { nodes: ['rediss://a:1', 'redis://b:2'] } },
    {},
    ['budgets.redis.cluster.nodes[1]: redis:// mixed with rediss://: use one scheme for all (TLS on every connection or on none)'],
  ],
  [
    'a cluster node with a database',
    { cluster: { nodes: ['redis://a:1/2'] } },
    {},
    ['budgets.redis.cluster.nodes[0]: Redis Cluster has database 0 only; leave the database out of the URL (got "redis://a:1/2")'],
  ],
  ['an empty cluster', { cluster: { nodes: [] } }, {}, ['budgets.redis.cluster.nodes: must list at least one entry']],
  ['sentinel without a master name', { sentinel: { sentinels: ['redis://s:26379'] } }, {}, ['budgets.redis.sentinel.masterName: required key is missing']],
  ['a password variable not set', { url: 'redis://a:1', passwordEnv: 'REDIS_PASSWORD' }, {}, ['budgets.redis.passwordEnv: environment variable REDIS_PASSWORD is not set']],
  ['a user without a password', { url: 'redis://a:1', usernameEnv: 'REDIS_USER' }, { REDIS_USER: 'u' }, ['budgets.redis.usernameEnv: an ACL user needs passwordEnv too']],
  [
    "the sentinels' password variable empty",
    { sentinel: { masterName: 'm', sentinels: ['redis://s:26379'], passwordEnv: 'SENTINEL_PASSWORD' } },
    { SENTINEL_PASSWORD: '' },
    ['budgets.redis.sentinel.passwordEnv: environment variable SENTINEL_PASSWORD is empty'],
  ],
];

t.test('a cache or idempotency store in Redis gets budgets.redis checked with budgets in memory', async (t) => {
  const result = parseConfigObject(
    {
      budgets: { store: 'memory', redis: { urlEnv: 'REDIS_URL' } },
      cache: { store: 'redis' },
      models: { m: { tiers: ['t'] } },
      tiers: { t: { pools: ['p'] } },
      pools: { p: { engine: 'vllm', servedModel: 'x', replicas: [{ url: 'http://gpu:8000' }] } },
    },
    { env: {}, source: join(dir, 'router.yaml') },
  );
  t.strictSame(errors(result), ['budgets.redis.urlEnv: environment variable REDIS_URL is not set']);
  const bare = parseConfigObject(
    {
      budgets: { redis: { keyPrefix: 'x' } },
      idempotency: { store: 'redis' },
      models: { m: { tiers: ['t'] } },
      tiers: { t: { pools: ['p'] } },
      pools: { p: { engine: 'vllm', servedModel: 'x', replicas: [{ url: 'http://gpu:8000' }] } },
    },
    { env: {}, source: join(dir, 'router.yaml') },
  );
  t.strictSame(errors(bare), ['budgets.redis: needs url, urlEnv, cluster or sentinel when idempotency.store is "redis"']);
});

t.test('stored responses in Redis need budgets.redis, and get it checked', async (t) => {
  const base = {
    models: { m: { tiers: ['t'] } },
    tiers: { t: { pools: ['p'] } },
    pools: { p: { engine: 'vllm', servedModel: 'x', replicas: [{ url: 'http://gpu:8000' }] } },
  };
  const options = { env: {}, source: join(dir, 'router.yaml') };
  t.strictSame(errors(parseConfigObject({ ...base, responses: { store: 'redis' } }, options)), [
    'responses.store: "redis" needs budgets.redis (the Redis the stored responses share with the budgets)',
  ]);
  t.strictSame(errors(parseConfigObject({ ...base, budgets: { redis: { keyPrefix: 'x' } }, responses: { store: 'redis' } }, options)), [
    'budgets.redis: needs url, urlEnv, cluster or sentinel when responses.store is "redis"',
  ]);
  t.strictSame(errors(parseConfigObject({ ...base, responses: { maxChainDepth: 0, ttlMs: -1 } }, options)).length, 2, 'ranges checked, each with its path');
  t.equal(parseConfigObject({ ...base, budgets: { redis: { url: 'redis://127.0.0.1:6379' } }, responses: { store: 'redis', ttlMs: 1000 } }, options).ok, true);
});

for (const [name, redis, env, expected] of refusals) {
  t.test(`refused: ${name}`, async (t) => {
    t.strictSame(errors(config(redis, env)), expected);
  });
}
