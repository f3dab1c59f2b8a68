// A key id deleted through the admin API and created again is a new owner: the new holder (a new
// secret, maybe someone else) reaches none of the old holder's stored responses, idempotent answers or
// per-key cache entries, while a key left alone keeps reading its own across router restarts and across
// routers sharing one Redis. Records written before keys had a generation (an old router's Redis) still
// load, under the scopes they were written with. Real routers on loopback with the admin API, the
// official `openai` SDK, and a real redis-server.
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import t from 'tap';
import { RedisBudgetStore } from '../../src/budgets/redis-store.js';
import { UNLIMITED } from '../../src/budgets/types.js';
import { canonicalBody, requestKey } from '../../src/cache/request-key.js';
import { startFakeEngine } from '../fixtures/fake-engine.js';
import { skipFileWithoutRedis, startRedisServer } from '../fixtures/redis-server.js';
import { configFor, startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN } from '../fixtures/wait.js';

skipFileWithoutRedis(t);
t.setTimeout(120_000);

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const redis = await startRedisServer();
const engine = await startFakeEngine();
t.teardown(async () => {
  await engine.close();
  await redis.dispose();
});

const ENV = { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN };
const CHAT = { model: 'chat', temperature: 0, messages: [{ role: 'user' as const, content: 'what did tenant one ask?' }] };

function config(store: 'memory' | 'redis', keyPrefix: string, keys: readonly Record<string, unknown>[] = []) {
  const base = configFor({ chat: [engine.url] });
  return {
    ...base,
    models: { chat: { tiers: ['chat'], cache: { ttlMs: 600_000, scope: 'key' } } },
    auth: { required: true, keys },
    ...(store === 'redis' ? { budgets: { store: 'redis', redis: { url: redis.url, keyPrefix } } } : {}),
    cache: { store },
    idempotency: { store },
    responses: { store },
  };
}

async function start(store: 'memory' | 'redis', keyPrefix: string, keys: readonly Record<string, unknown>[] = []): Promise<TestRouter> {
  const router = await startTestRouter(config(store, keyPrefix, keys), ENV);
  t.teardown(() => router.close());
  return router;
}

async function admin(router: TestRouter, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${router.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Creates the key `id` through the admin API; its secret. */
async function create(router: TestRouter, id: string): Promise<string> {
  const res = await admin(router, 'POST', '/admin/keys', { id, name: 'tenant', limits: { tokensPerDay: 1_000_000 } });
  if (res.status !== 201) throw new Error(`create answered ${res.status}`);
  return res.body['secret'] as string;
}

const lifetimeUsed = (key: { body: Record<string, unknown> }): number => (key.body['usage'] as { tokens: Record<string, { used: number }> }).tokens['lifetime']?.used ?? -1;
const sdk = (router: TestRouter, secret: string): OpenAI => new OpenAI({ baseURL: `${router.url}/v1`, apiKey: secret, maxRetries: 0 });
/** The HTTP status an SDK call was refused with. */
const statusOf = (thrown: unknown): number => (thrown instanceof OpenAI.APIError ? Number(thrown.status) : -1);

/** What the holder of `secret` made on `router`: a stored response (sent with an Idempotency-Key) and a cached chat answer. */
async function makeRecords(router: TestRouter, secret: string, idempotencyKey: string) {
  const client = sdk(router, secret);
  const response = await client.responses.create({ model: 'chat', input: 'tenant one secret' }, { headers: { 'Idempotency-Key': idempotencyKey } });
  const chat = await client.chat.completions.create(CHAT).withResponse();
  return { response, cache: chat.response.headers.get('x-switchyard-cache') };
}

/** What the holder of `secret` reaches of those records through `router`. */
async function reach(router: TestRouter, secret: string, responseId: string, idempotencyKey: string) {
  const client = sdk(router, secret);
  const read = await client.responses.retrieve(responseId).then(() => 200, statusOf);
  const items = await client.responses.inputItems.list(responseId).then(() => 200, statusOf);
  const continued = await client.responses.create({ model: 'chat', previous_response_id: responseId, input: 'and then?' }).then(() => 200, statusOf);
  const retried = await client.responses.create({ model: 'chat', input: 'tenant one secret' }, { headers: { 'Idempotency-Key': idempotencyKey } }).withResponse();
  const chat = await client.chat.completions.create(CHAT).withResponse();
  return {
    read,
    items,
    continued,
    replayed: retried.response.headers.get('x-switchyard-idempotent-replay') === 'true',
    sameResponse: retried.data.id === responseId,
    cache: chat.response.headers.get('x-switchyard-cache'),
  };
}

const OWN = { read: 200, items: 200, continued: 200, replayed: true, sameResponse: true, cache: 'hit' };
const NONE = { read: 404, items: 404, continued: 400, replayed: false, sameResponse: false, cache: 'miss' };

t.test('memory stores: a re-created key id reaches nothing of the old holder’s', async (t) => {
  const router = await start('memory', `m${process.pid}`);
  const first = await create(router, 'key_reused');
  const made = await makeRecords(router, first, 'idem-memory');
  t.equal(made.cache, 'miss');
  t.strictSame(await reach(router, first, made.response.id, 'idem-memory'), OWN, 'the holder reaches its own');

  t.equal((await admin(router, 'DELETE', '/admin/keys/key_reused')).status, 200);
  const second = await create(router, 'key_reused');
  t.not(second, first);
  // A delete drops the key's usage (README, Admin API), so the id created again starts from nothing.
  const usage = (await admin(router, 'GET', '/admin/keys/key_reused')).body['usage'] as { tokens: Record<string, { used: number }> };
  t.strictSame([usage.tokens['day']?.used, usage.tokens['lifetime']?.used], [0, 0], 'no usage of the old holder’s');
  t.strictSame(await reach(router, second, made.response.id, 'idem-memory'), NONE, 'the new holder: 404, 400, no replay, a cache miss');
  const deleted = await sdk(router, second)
    .responses.delete(made.response.id)
    .then(() => 200, statusOf);
  t.equal(deleted, 404, 'nor can it delete the old response');
  await t.rejects(sdk(router, first).responses.retrieve(made.response.id), { status: 401, code: 'invalid_api_key' }, 'the old secret is gone');
});

t.test('Redis: the same key across routers and restarts keeps its own; re-created, it reaches none of it', async (t) => {
  const prefix = `r${process.pid}`;
  const one = await start('redis', prefix);
  const two = await start('redis', prefix);
  const secret = await create(one, 'key_shared');
  const made = await makeRecords(one, secret, 'idem-redis');
  t.equal(made.cache, 'miss');
  const raw = new Redis(redis.url);
  t.teardown(() => raw.quit());
  const generation = async (): Promise<unknown> => (JSON.parse((await raw.hget(`${prefix}:{keys}:records`, 'key_shared')) ?? '{}') as Record<string, unknown>)['generation'];
  const created = await generation();
  t.match(created, /^[A-Za-z0-9_-]{16}$/, 'the admin API gave the key a generation');
  t.equal((await admin(two, 'PATCH', '/admin/keys/key_shared', { name: 'renamed', limits: { tokensPerDay: 2_000_000 } })).status, 200);
  t.equal(await generation(), created, 'a PATCH keeps it');
  t.notOk('generation' in (await admin(two, 'GET', '/admin/keys/key_shared')).body, 'the admin API does not show it');
  t.strictSame(await reach(two, secret, made.response.id, 'idem-redis'), OWN, 'router 2 serves the key (changed) what router 1 stored');

  await one.close();
  const again = await start('redis', prefix);
  t.strictSame(await reach(again, secret, made.response.id, 'idem-redis'), OWN, 'and so does router 1 restarted');

  t.equal((await admin(two, 'DELETE', '/admin/keys/key_shared')).status, 200);
  const second = await create(again, 'key_shared');
  t.strictSame(await reach(two, second, made.response.id, 'idem-redis'), NONE, 'the new holder reaches nothing through router 2');
  // Through router 1 the new holder meets only what it made itself through router 2 a moment ago: its own
  // idempotent answer (not the old response) and its own cache entry.
  t.strictSame(await reach(again, second, made.response.id, 'idem-redis'), { ...NONE, replayed: true, cache: 'hit' }, 'nor through router 1');
});

t.test('Redis: records written before keys had a generation still load, under the scopes they were written with', async (t) => {
  const prefix = `legacy${process.pid}`;
  const secret = 'sy-legacy-key-created-by-an-older-router';
  // What an older router's POST /admin/keys wrote: the same record, without a generation.
  const old = new RedisBudgetStore({ url: redis.url, keyPrefix: prefix });
  await old.ready();
  await old.putKey({
    id: 'key_legacy',
    name: 'legacy',
    hash: sha256(secret),
    prefix: secret.slice(0, 8),
    enabled: true,
    models: null,
    tiers: null,
    maxTokensPerRequest: null,
    limits: { ...UNLIMITED },
    metadata: {},
    createdAt: '2026-11-01T00:00:00.000Z',
    source: 'admin',
  });
  await old.close();
  const raw = new Redis(redis.url);
  t.teardown(() => raw.quit());
  const stored = JSON.parse((await raw.hget(`${prefix}:{keys}:records`, 'key_legacy')) ?? '{}') as Record<string, unknown>;
  t.equal(stored['generation'], undefined, 'the record has no generation');
  // A response an older router stored for that key (store.ts encodeRecord: the owner first, `key:<id>`).
  const id = 'resp_0123456789abcdef0123456789abcdef';
  const response = { id, object: 'response', created_at: 1764547200, status: 'completed', model: 'chat', output: [], usage: null };
  await raw.set(`${prefix}:{r:${id}}`, JSON.stringify({ owner: 'key:key_legacy', prev: null, response, input: [] }), 'PX', 600_000);

  const router = await start('redis', prefix);
  const client = sdk(router, secret);
  t.equal((await client.responses.retrieve(id)).id, id, 'the old key reads the response stored before the upgrade');
  await client.responses.create({ model: 'chat', input: 'x' }, { headers: { 'Idempotency-Key': 'legacy-idem' } });
  t.equal(
    await raw.exists(`${prefix}:{i:${sha256('sy-idem-v1\0key_legacy\0legacy-idem')}}`),
    1,
    'idempotency records stay under the key id alone, where an older router wrote and looks for them',
  );
  await client.chat.completions.create(CHAT);
  const entry = requestKey({
    scope: 'key:key_legacy',
    endpoint: 'chat',
    alias: 'chat',
    // The tier with the engine and model its pool serves (src/cache/tier-identity.ts).
    tier: 'chat=vllm:served-chat',
    body: canonicalBody({ model: 'chat', temperature: 0, messages: CHAT.messages }),
  });
  t.equal(await raw.exists(`${prefix}:{c:${entry}}:e`), 1, 'cache entries stay under `key:<id>`');

  // That old key deleted and its id created again now: a new owner like any other.
  t.equal((await admin(router, 'DELETE', '/admin/keys/key_legacy')).status, 200);
  const again = sdk(router, await create(router, 'key_legacy'));
  await t.rejects(again.responses.retrieve(id), { status: 404, code: 'response_not_found' }, 'the re-created id does not read it');
});

t.test('Redis: a router.yaml key is the operator’s: taken out of the file and put back, it is the same owner', async (t) => {
  const prefix = `config${process.pid}`;
  const secret = 'sy-declared-in-router-yaml-recreated-keys';
  const declared = { id: 'gitops', hash: sha256(secret), prefix: secret.slice(0, 8), limits: { tokensPerDay: 1_000_000 } };
  const before = await start('redis', prefix, [declared]);
  const made = await makeRecords(before, secret, 'idem-config');
  const usedBefore = lifetimeUsed(await admin(before, 'GET', '/admin/keys/gitops'));
  t.ok(usedBefore > 0, 'the requests were charged');
  await before.close();
  // Started without it: the declared key leaves the store (service.ts syncDeclaredKeys).
  const without = await start('redis', prefix);
  await t.rejects(sdk(without, secret).responses.retrieve(made.response.id), { status: 401, code: 'invalid_api_key' });
  await without.close();
  const after = await start('redis', prefix, [declared]);
  // Its usage too: a file saved half-written, or a key taken out for a moment, resets no budget.
  t.equal(lifetimeUsed(await admin(after, 'GET', '/admin/keys/gitops')), usedBefore, 'back in the file: its usage');
  t.strictSame(await reach(after, secret, made.response.id, 'idem-config'), OWN, 'back in the file: its responses, idempotent answers and cache entries');
});

t.test('Redis: a router still holding a deleted key’s record (its 5 s lookup cache) charges nothing to the key re-created under its id', async (t) => {
  const prefix = `stale${process.pid}`;
  const one = await start('redis', prefix);
  const two = await start('redis', prefix);
  const old = await create(one, 'key_again');
  // Router 2 reads the old key, and keeps its record for up to 5 s.
  await sdk(two, old).chat.completions.create({ ...CHAT, temperature: 1 });
  t.equal((await admin(one, 'DELETE', '/admin/keys/key_again')).status, 200);
  await create(one, 'key_again');
  const thrown: unknown = await sdk(two, old)
    .chat.completions.create({ ...CHAT, temperature: 1 })
    .then(
      () => null,
      (error: unknown) => error,
    );
  t.equal(statusOf(thrown), 401, 'the old secret is refused by the router that still had it');
  const usage = (await admin(one, 'GET', '/admin/keys/key_again')).body['usage'] as {
    tokens: Record<string, { used: number; reserved: number }>;
    requests: Record<string, unknown>;
  };
  t.strictSame([usage.tokens['day']?.used, usage.tokens['day']?.reserved], [0, 0], 'the new key was charged nothing');
});
