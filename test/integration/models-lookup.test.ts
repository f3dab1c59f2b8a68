// GET /v1/models/{id} with ids that do not decode, or are huge: a 404 model_not_found in OpenAI's
// envelope (openai/openai-openapi: retrieveModel answers 404 for an unknown id), never a 500, and the
// message does not repeat a huge id whole. Paths are sent as raw bytes with node:http.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import t from 'tap';
import { startFakeEngine } from '../fixtures/fake-engine.js';
import { configFor, startTestRouter } from '../fixtures/start-router.js';

const engine = await startFakeEngine();
const test = await startTestRouter(configFor({ chat: [engine.url] }));
t.teardown(async () => {
  await test.close();
  await engine.close();
});

function get(path: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: new URL(test.url).port, method: 'GET', path }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    });
    req.on('error', reject);
    req.end();
  });
}

const notFound = (shown: string) => ({
  error: {
    message: `The model \`${shown}\` does not exist. Known models: chat.`,
    type: 'invalid_request_error',
    param: 'model',
    code: 'model_not_found',
  },
});

t.test('ids that are not valid percent-encoding are unknown models, as the client wrote them', async (t) => {
  for (const id of ['%zz', '%E0%A4%A', '%E0%A4', '%', 'chat%', '%C0%80']) {
    const reply = await get(`/v1/models/${id}`);
    t.equal(reply.status, 404, id);
    t.strictSame(reply.body, notFound(id), `${id}: envelope`);
  }
});

t.test('a huge id is not echoed whole', async (t) => {
  // Within server.maxHeaderBytes (16 KiB by default), which bounds the request line too.
  const reply = await get(`/v1/models/${'m'.repeat(10_000)}`);
  t.equal(reply.status, 404);
  t.strictSame(reply.body, notFound(`${'m'.repeat(256)}…(9744 more characters)`));
});

t.test('valid ids still decode', async (t) => {
  const card = await get('/v1/models/chat');
  t.equal(card.status, 200);
  t.strictSame(await get('/v1/models/%63hat'), card);
  t.strictSame(await get('/v1/models/ch%C3%A0t'), { status: 404, body: notFound('chàt') });
});

t.test("a key limited to some models sees only those in /v1/models; an unknown model's message names at most 20", async (t) => {
  const secret = 'sk-models-limited-0123456789';
  const hash = createHash('sha256').update(secret).digest('hex');
  const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`m${String(i).padStart(2, '0')}`, [engine.url.replace('127.0.0.1', `127.0.0.${i + 2}`)]]));
  const everything = 'sk-models-all-0123456789';
  const keys = [
    { id: 'limited', hash, models: ['chat', 'm01'] },
    { id: 'all', hash: createHash('sha256').update(everything).digest('hex') },
  ];
  const keyed = await startTestRouter(configFor({ chat: [engine.url], ...many }, { auth: { keys } }));
  t.teardown(() => keyed.close());
  const headers = { authorization: `Bearer ${secret}` };
  const list = (await (await fetch(`${keyed.url}/v1/models`, { headers })).json()) as { data: { id: string }[] };
  t.strictSame(
    list.data.map((model) => model.id),
    ['chat', 'm01'],
  );
  const hidden = await fetch(`${keyed.url}/v1/models/m02`, { headers });
  t.equal(hidden.status, 404, 'a model the key may not use is not found for it');
  t.equal(((await hidden.json()) as { error: { message: string } }).error.message, 'The model `m02` does not exist. Known models: chat, m01.');
  t.equal((await fetch(`${keyed.url}/v1/models/m01`, { headers })).status, 200);
  const ask = async (authorization: string) => {
    const res = await fetch(`${keyed.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }),
    });
    return [res.status, ((await res.json()) as { error: { message: string } }).error.message];
  };
  t.strictSame(await ask(`Bearer ${secret}`), [404, 'The model `nope` does not exist. Known models: chat, m01.'], "the key's own models");
  t.strictSame(
    await ask(`Bearer ${everything}`),
    [
      404,
      'The model `nope` does not exist. Known models: chat, m00, m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12, m13, m14, m15, m16, m17, m18 and 11 more (GET /v1/models).',
    ],
    'at most 20 named',
  );
});
