// GET /v1/models/{id} with ids that do not decode, or are huge: a 404 model_not_found in OpenAI's
// envelope (openai/openai-openapi: retrieveModel answers 404 for an unknown id), never a 500, and the
// message does not repeat a huge id whole. Paths are sent as raw bytes with node:http.
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
