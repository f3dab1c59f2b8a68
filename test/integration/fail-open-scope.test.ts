// With auth required, budgets in Redis and onStoreError: fail-open, a Redis outage lets callers
// through unidentified. Those callers must not share the anonymous scope of the response cache and of
// idempotency (kept in memory here, so they still work): one tenant's answers would be every other's,
// and anyone's with a made-up key.
import { createHash } from 'node:crypto';
import t from 'tap';
import { startFakeEngine } from '../fixtures/fake-engine.js';
import { skipFileWithoutRedis, startRedisServer } from '../fixtures/redis-server.js';
import { configFor, startTestRouter } from '../fixtures/start-router.js';

skipFileWithoutRedis(t);
const redis = await startRedisServer();
const engine = await startFakeEngine();
const SECRET = 'sk-fail-open-0123456789abcdef';
const test = await startTestRouter({
  ...configFor({ gpu: [engine.url] }),
  auth: { required: true, keys: [{ id: 'tenant', hash: createHash('sha256').update(SECRET).digest('hex') }] },
  budgets: { store: 'redis', redis: { url: redis.url, keyPrefix: `fo-${process.pid}` }, onStoreError: 'fail-open' },
  idempotency: { store: 'memory' },
  models: { gpu: { tiers: ['gpu'], cache: { deterministicOnly: false } } },
});
t.teardown(async () => {
  await test.close();
  await engine.close();
  await redis.dispose();
});

async function post(secret: string, content: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, ...headers },
    body: JSON.stringify({ model: 'gpu', messages: [{ role: 'user', content }] }),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

t.test('unidentified callers during an outage get no cached or idempotent answer of another', async (t) => {
  t.equal((await post(SECRET, 'warm')).status, 200, 'the key works while Redis is up');
  await redis.stop();
  const first = await post('sk-made-up-one', 'private prompt', { 'idempotency-key': 'shared-looking-key' });
  t.equal(first.status, 200, 'let through, unmetered (fail-open)');
  const second = await post('sk-made-up-two', 'private prompt');
  t.equal(second.status, 200);
  t.not(second.headers.get('x-switchyard-cache'), 'hit', "another unidentified caller never gets the first one's cached answer");
  const retried = await post('sk-made-up-two', 'private prompt', { 'idempotency-key': 'shared-looking-key' });
  t.equal(retried.headers.get('x-switchyard-idempotent-replay'), null, 'nor its idempotent answer: the request runs');
  t.equal(engine.requests.filter((r) => JSON.stringify(r.body).includes('private prompt')).length, 3, 'every one reached the engine');
});

async function respond(secret: string, body: Record<string, unknown>) {
  const res = await fetch(`${test.url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ model: 'gpu', ...body }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function stored(secret: string, method: string, path: string) {
  const res = await fetch(`${test.url}/v1/responses/${path}`, { method, headers: { authorization: `Bearer ${secret}` } });
  return { status: res.status, body: (await res.json()) as { error?: { code?: string } } };
}

t.test('unidentified callers during an outage store no response another could read, continue or delete', async (t) => {
  // Redis is still stopped (the test before stopped it): every caller below is let through unidentified.
  const first = await respond('sk-made-up-one', { input: 'the vault code is 4711' });
  t.equal(first.status, 200, 'let through, unmetered (fail-open)');
  t.equal(first.body['store'], false, 'answered as not stored: it has no scope of its own to be kept in');
  const id = String(first.body['id']);
  for (const [method, path] of [
    ['GET', id],
    ['GET', `${id}/input_items`],
    ['DELETE', id],
  ] as const) {
    const other = await stored('sk-made-up-two', method, path);
    t.equal(other.status, 404, `${method} ${path === id ? '' : 'input_items '}by another unidentified caller: not found`);
  }
  const continued = await respond('sk-made-up-two', { input: 'what was the code?', previous_response_id: id });
  t.equal(continued.status, 400);
  t.equal((continued.body['error'] as { code?: string }).code, 'previous_response_not_found', 'nor can another continue it');
});
