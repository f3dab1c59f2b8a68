// Stored responses shared by three routers through one real Redis: a response created on router 1 is
// continued with previous_response_id on router 3 and read on router 2, and another key finds nothing on
// any of them. The memory store, for contrast, is per router (as the README says).
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import t from 'tap';
import { startFakeEngine } from '../fixtures/fake-engine.js';
import { skipFileWithoutRedis, startRedisServer } from '../fixtures/redis-server.js';
import { configFor, startTestRouter, type TestRouter } from '../fixtures/start-router.js';

skipFileWithoutRedis(t);
t.setTimeout(120_000);

const SECRET_A = 'sk-shared-responses-a-0123456789';
const SECRET_B = 'sk-shared-responses-b-0123456789';
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const keys = [
  { id: 'a', hash: sha256(SECRET_A), prefix: SECRET_A.slice(0, 8) },
  { id: 'b', hash: sha256(SECRET_B), prefix: SECRET_B.slice(0, 8) },
];

const redis = await startRedisServer();
const engine = await startFakeEngine();
t.teardown(async () => {
  await engine.close();
  await redis.dispose();
});

async function routers(store: 'memory' | 'redis', keyPrefix: string): Promise<TestRouter[]> {
  const config = configFor({ chat: [engine.url] }, { auth: { required: true, keys }, budgets: { redis: { url: redis.url, keyPrefix } }, responses: { store } });
  const started = await Promise.all([startTestRouter(config), startTestRouter(config), startTestRouter(config)]);
  t.teardown(() => Promise.all(started.map((router) => router.close())));
  return started;
}

const client = (router: TestRouter, secret: string): OpenAI => new OpenAI({ baseURL: `${router.url}/v1`, apiKey: secret, maxRetries: 0 });

t.test('create on router 1, continue on router 3, read on router 2', async (t) => {
  const [one, two, three] = (await routers('redis', `r${process.pid}`)).map((router) => client(router, SECRET_A));
  engine.requests.length = 0;
  const first = await one!.responses.create({ model: 'chat', instructions: 'Answer briefly.', input: 'My name is Ada.' });
  t.equal(first.output_text, 'echo: My name is Ada.');
  const second = await three!.responses.create({ model: 'chat', previous_response_id: first.id, input: 'What is my name?' });
  t.strictSame(
    engine.requests[1]?.body?.['messages'],
    [
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: 'echo: My name is Ada.' },
      { role: 'user', content: 'What is my name?' },
    ],
    'router 3 sent the conversation router 1 stored (instructions are not carried over)',
  );
  t.strictSame(await two!.responses.retrieve(second.id), second, 'router 2 reads what router 3 stored');
  const items = await two!.responses.inputItems.list(second.id);
  t.strictSame(
    items.data.map((item) => item.type),
    ['message'],
  );

  const [, twoB] = (await routers('redis', `r${process.pid}`)).map((router) => client(router, SECRET_B));
  await t.rejects(twoB!.responses.retrieve(first.id), { status: 404, code: 'response_not_found' }, 'another key: 404 on any router');
  await t.rejects(twoB!.responses.create({ model: 'chat', previous_response_id: first.id, input: 'and mine?' }), { status: 400, code: 'previous_response_not_found' });

  await three!.responses.delete(first.id);
  await t.rejects(one!.responses.retrieve(first.id), { status: 404, code: 'response_not_found' }, 'deleted for every router');
});

t.test('the memory store is per router', async (t) => {
  const [one, two] = (await routers('memory', `m${process.pid}`)).map((router) => client(router, SECRET_A));
  const created = await one!.responses.create({ model: 'chat', input: 'hi' });
  t.equal((await one!.responses.retrieve(created.id)).id, created.id);
  await t.rejects(two!.responses.retrieve(created.id), { status: 404, code: 'response_not_found' });
});
