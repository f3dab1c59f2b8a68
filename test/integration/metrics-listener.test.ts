// /metrics shows key ids and per-key usage, so API clients may not read it: by default it sits behind
// the admin token on the API listener; with server.metricsPort it moves to a listener of its own
// (the usual Kubernetes pattern: scrape and probe a port the Service does not expose).
import { createHash } from 'node:crypto';
import t from 'tap';
import { startFakeEngine } from '../fixtures/fake-engine.js';
import { configFor, startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN } from '../fixtures/wait.js';

const engine = await startFakeEngine();
t.teardown(() => engine.close());

const SECRET = 'sy-metrics-listener-client-key';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const keys = { auth: { required: false, keys: [{ id: 'team-a', hash: sha256(SECRET), prefix: SECRET.slice(0, 8) }] } };

async function start(server: Record<string, unknown>, env: NodeJS.ProcessEnv): Promise<TestRouter> {
  const base = configFor({ chat: [engine.url] }, keys);
  const test = await startTestRouter({ ...base, server: { ...base.server, ...server } }, { ...process.env, ...env });
  // One keyed request, so the scrape has a per-key series to leak.
  await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
  });
  return test;
}

async function get(url: string, authorization?: string) {
  const res = await fetch(url, authorization === undefined ? {} : { headers: { authorization } });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

const envelope = (message: string, type: string, code: string) => JSON.stringify({ error: { message, type, param: null, code } });
const TOKEN_REQUIRED = envelope('A valid admin token is required (Authorization: Bearer <SWITCHYARD_ADMIN_TOKEN>).', 'authentication_error', 'invalid_admin_token');

t.test('without a metrics port, /metrics on the API listener needs the admin token', async (t) => {
  const test = await start({}, { SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
  t.teardown(() => test.close());
  t.equal(test.router.metricsUrl, null, 'no metrics listener');
  for (const [who, authorization] of [
    ['no credentials', undefined],
    ['a client key', `Bearer ${SECRET}`],
    ['a wrong token', 'Bearer nope'],
  ] as const) {
    const res = await get(`${test.url}/metrics`, authorization);
    t.equal(res.status, 401, `${who}: 401`);
    t.equal(res.text, TOKEN_REQUIRED, `${who}: OpenAI's envelope`);
    t.notMatch(res.text, /team-a/, `${who}: no key id`);
  }
  const admin = await get(`${test.url}/metrics`, `Bearer ${ADMIN_TOKEN}`);
  t.equal(admin.status, 200, 'the admin token reads it');
  t.match(admin.type, /^text\/plain/);
  t.match(admin.text, /switchyard_key_tokens_total\{key="team-a",tier="chat",direction="prompt"\} 7/);
});

t.test('without a metrics port and without an admin token, /metrics is closed', async (t) => {
  const test = await start({}, { SWITCHYARD_ADMIN_TOKEN: '' });
  t.teardown(() => test.close());
  for (const authorization of [undefined, `Bearer ${SECRET}`]) {
    const res = await get(`${test.url}/metrics`, authorization);
    t.equal(res.status, 403);
    t.equal(res.text, envelope('The admin API is disabled: set SWITCHYARD_ADMIN_TOKEN to enable it.', 'permission_error', 'admin_disabled'));
  }
});

t.test('with server.metricsPort, a listener of its own serves /metrics, /healthz and /readyz without auth', async (t) => {
  const test = await start({ metricsPort: 0 }, { SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
  t.teardown(() => test.close());
  const metricsUrl = test.router.metricsUrl;
  if (metricsUrl === null) throw new Error('no metrics listener');
  t.not(metricsUrl, test.url, 'another port');
  const scrape = await get(`${metricsUrl}/metrics`);
  t.equal(scrape.status, 200);
  t.match(scrape.type, /^text\/plain/);
  t.match(scrape.text, /switchyard_key_tokens_total\{key="team-a",tier="chat",direction="prompt"\} 7/);
  t.strictSame(JSON.parse((await get(`${metricsUrl}/healthz`)).text), { status: 'ok' });
  t.strictSame(JSON.parse((await get(`${metricsUrl}/readyz`)).text), { status: 'ready' });
  const other = await get(`${metricsUrl}/v1/models`);
  t.equal(other.status, 404, 'the metrics listener serves nothing else');
  t.equal(other.text, envelope('Invalid URL (GET /v1/models).', 'invalid_request_error', 'not_found'));

  // The API listener no longer serves it, whoever asks; its probes stay.
  for (const authorization of [undefined, `Bearer ${SECRET}`, `Bearer ${ADMIN_TOKEN}`]) {
    const res = await get(`${test.url}/metrics`, authorization);
    t.equal(res.status, 404);
    t.equal(res.text, envelope('Invalid URL (GET /metrics).', 'invalid_request_error', 'not_found'));
  }
  t.equal((await get(`${test.url}/healthz`)).status, 200);

  await test.close();
  await t.rejects(fetch(`${metricsUrl}/metrics`), 'shutdown closes the metrics listener');
});
