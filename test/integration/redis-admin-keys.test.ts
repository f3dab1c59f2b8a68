// The keys API on two routers sharing one real Redis, hit at once as automation and careless operators
// do: creates racing for one id give one key and 409s, concurrent PATCHes all land, and a key deleted
// while PATCHes fly stays deleted (its secret dead), instead of the last read-modify-write winning.
import t from 'tap';
import { echoCompletion, startFakeEngine } from '../fixtures/fake-engine.js';
import { skipFileWithoutRedis, startRedisServer } from '../fixtures/redis-server.js';
import { configFor, startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN } from '../fixtures/wait.js';

skipFileWithoutRedis(t);
const redis = await startRedisServer();
const engine = await startFakeEngine();
engine.respond = (request) => ({ kind: 'json', body: echoCompletion(request.body) });
const config = {
  ...configFor({ chat: [engine.url] }),
  auth: { required: true },
  budgets: { store: 'redis', redis: { url: redis.url, keyPrefix: `admin-race-${process.pid}` } },
};
const routers: TestRouter[] = [];
for (let i = 0; i < 2; i++) routers.push(await startTestRouter(config, { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN }));
t.teardown(async () => {
  await Promise.all(routers.map((router) => router.close()));
  await engine.close();
  await redis.dispose();
});

type Body = Record<string, unknown>;

async function admin(i: number, method: string, path: string, body?: unknown): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${routers[i % 2]!.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Body };
}

async function chatStatus(i: number, secret: string): Promise<number> {
  const res = await fetch(`${routers[i % 2]!.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

t.test('ten creates of one id at once, from two routers: one key, nine 409s, and the secret given out works', async (t) => {
  const creates = await Promise.all(Array.from({ length: 10 }, (_, i) => admin(i, 'POST', '/admin/keys', { id: 'raced', name: `create ${i}` })));
  const statuses = creates.map((create) => create.status).sort();
  t.strictSame(statuses, [201, ...Array<number>(9).fill(409)]);
  const created = creates.find((create) => create.status === 201)!;
  t.equal(await chatStatus(0, created.body['secret'] as string), 200);
  t.equal(await chatStatus(1, created.body['secret'] as string), 200);
  t.equal((creates.find((create) => create.status === 409)!.body['error'] as Body)['code'], 'key_exists');
});

t.test('nine PATCHes of one key at once, from two routers, each setting a different limit: all land', async (t) => {
  t.equal((await admin(0, 'POST', '/admin/keys', { id: 'patched', name: 'patched' })).status, 201);
  const limits = ['tokensPerMinute', 'tokensPerDay', 'tokensPerMonth', 'tokensLifetime', 'requestsPerMinute', 'maxConcurrent', 'usdPerDay', 'usdPerMonth', 'usdLifetime'];
  const patches = await Promise.all(limits.map((limit, i) => admin(i, 'PATCH', '/admin/keys/patched', { limits: { [limit]: 1000 + i } })));
  t.strictSame(
    patches.map((patch) => patch.status),
    limits.map(() => 200),
  );
  const key = await admin(1, 'GET', '/admin/keys/patched');
  t.strictSame(key.body['limits'], Object.fromEntries(limits.map((limit, i) => [limit, 1000 + i])));
});

t.test('a key deleted while PATCHes to it are in flight stays deleted, and its secret stops working', async (t) => {
  for (let round = 0; round < 8; round++) {
    const id = `doomed-${round}`;
    const created = await admin(round, 'POST', '/admin/keys', { id, name: id });
    const secret = created.body['secret'] as string;
    const writes = Array.from({ length: 8 }, (_, i) =>
      i === 4 ? admin(i, 'DELETE', `/admin/keys/${id}`) : admin(i, 'PATCH', `/admin/keys/${id}`, { limits: { tokensPerDay: 1000 + i }, enabled: true }),
    );
    const answers = await Promise.all(writes);
    t.equal(answers[4]?.status, 200, 'the delete succeeded');
    t.ok(
      answers.every((answer) => answer.status === 200 || answer.status === 404),
      'each PATCH either landed before the delete or found no key',
    );
    t.equal((await admin(round + 1, 'GET', `/admin/keys/${id}`)).status, 404, `round ${round}: still deleted`);
    t.equal(await chatStatus(round, secret), 401);
    t.equal(await chatStatus(round + 1, secret), 401);
  }
});
