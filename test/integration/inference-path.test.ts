// One path serves the inference routes: the lane (src/http/inference-lane.ts) answers every method on
// them, with the bytes koa used to send; koa's table holds admin, models, health and metrics only; and
// every inference request is access-logged exactly once, with the status the client saw.
import { createHash } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import t from 'tap';
import { renderErrors } from '../../src/http/render-errors.js';
import { assignRequestId } from '../../src/http/request-id.js';
import { routes } from '../../src/http/routes.js';
import type { AppState } from '../../src/http/state.js';
import { RetryBudget } from '../../src/proxy/retry-budget.js';
import { startFakeEngine } from '../fixtures/fake-engine.js';
import { configFor, startTestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN, waitFor } from '../fixtures/wait.js';

const engine = await startFakeEngine();
const VALID = 'sy-inference-path-valid';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const config = configFor(
  { small: [engine.url] },
  {
    server: { shutdownGraceMs: 2000, maxBodyBytes: 2048 },
    auth: { required: true, keys: [{ id: 'valid', hash: sha256(VALID), prefix: VALID.slice(0, 8), enabled: true, limits: { requestsPerMinute: 100_000 } }] },
  },
);
const test = await startTestRouter(config, { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
t.teardown(async () => {
  await test.close();
  await engine.close();
});

interface Reply {
  readonly status: number;
  /** Raw header lines as sent, name case kept, without Date. */
  readonly headers: string[];
  readonly body: string;
}

let sent = 0;

/** One request over node:http, `path` exactly as written on the request line, under a request id of its own. */
function send(url: string, method: string, path: string, options: { key?: string; body?: string; id?: string } = {}): Promise<Reply & { id: string }> {
  const { port } = new URL(url);
  const id = options.id ?? `inference-path-${sent++}`;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'x-request-id': id };
    if (options.key !== undefined) headers['authorization'] = `Bearer ${options.key}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const lines: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          if (res.rawHeaders[i]!.toLowerCase() !== 'date') lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
        }
        resolve({ id, status: res.statusCode ?? 0, headers: lines, body });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const INFERENCE = ['/v1/chat/completions', '/v1/completions', '/v1/embeddings'];
const chat = JSON.stringify({ model: 'small', messages: [{ role: 'user', content: 'hi' }] });

/** What koa's allowedMethods and the error renderer sent for a wrong method, byte for byte. */
function methodNotAllowed(id: string, method: string, path: string): Reply {
  const body = `{"error":{"message":"Method not allowed (${method} ${path}); allowed: POST.","type":"invalid_request_error","param":null,"code":"method_not_allowed"}}`;
  return {
    status: 405,
    headers: [
      `x-request-id: ${id}`,
      'allow: POST',
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: keep-alive',
      'Keep-Alive: timeout=5',
    ],
    body: method === 'HEAD' ? '' : body,
  };
}

t.test('another method on an inference path: the 405 koa sent, byte for byte, without asking for a key', async (t) => {
  for (const path of INFERENCE) {
    for (const method of ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'PROPFIND']) {
      for (const where of [path, `${path}?stream=1`, `${test.url}${path}`]) {
        const { id, ...reply } = await send(test.url, method, where, method === 'PUT' ? { body: chat } : {});
        t.strictSame(reply, methodNotAllowed(id, method, path), `${method} ${where}`);
      }
    }
  }
});

t.test('OPTIONS on an inference path: 200, empty, Allow: POST, as koa answered it', async (t) => {
  for (const path of INFERENCE) {
    const { id, ...reply } = await send(test.url, 'OPTIONS', path);
    t.strictSame(
      reply,
      {
        status: 200,
        headers: [`x-request-id: ${id}`, 'Content-Type: text/plain; charset=utf-8', 'Content-Length: 0', 'Allow: POST', 'Connection: keep-alive', 'Keep-Alive: timeout=5'],
        body: '',
      },
      `OPTIONS ${path}`,
    );
  }
});

t.test('spellings of an inference path are 404s from koa, whatever the method or key', async (t) => {
  for (const path of ['/V1/chat/completions', '/v1/chat/completions/', '/v1//chat/completions', '/v1/Completions', '/v1/embeddings/']) {
    for (const method of ['POST', 'GET', 'OPTIONS']) {
      for (const key of [undefined, VALID]) {
        const reply = await send(test.url, method, path, { ...(key === undefined ? {} : { key }), ...(method === 'POST' ? { body: chat } : {}) });
        t.equal(reply.status, 404, `${method} ${path} ${key === undefined ? 'without' : 'with'} a key`);
        t.strictSame(JSON.parse(reply.body), {
          error: { message: `Invalid URL (${method} ${path}).`, type: 'invalid_request_error', param: null, code: 'not_found' },
        });
      }
    }
  }
});

t.test("koa's route table serves no inference route, and still serves the rest", async (t) => {
  const { router } = test;
  const app = new Koa<AppState>();
  app.use(assignRequestId);
  app.use(renderErrors(router.logger));
  const deps = {
    state: router.state,
    logger: router.logger,
    metrics: router.metrics,
    proxy: { metrics: router.metrics, retryBudget: new RetryBudget(), random: Math.random },
    adminToken: ADMIN_TOKEN,
    reload: router.reload.bind(router),
    budgets: null,
    metricsListener: false,
  };
  for (const middleware of routes(deps)) app.use(middleware);
  app.silent = true;
  const callback = app.callback();
  const server = createServer((req, res) => void callback(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const path of INFERENCE) {
    for (const method of ['POST', 'GET', 'OPTIONS']) {
      const reply = await send(url, method, path, method === 'POST' ? { body: chat } : {});
      t.equal(reply.status, 404, `koa: ${method} ${path}`);
      t.match(JSON.parse(reply.body), { error: { code: 'not_found' } });
    }
  }
  t.equal((await send(url, 'GET', '/v1/models')).status, 200, 'koa: GET /v1/models');
  t.equal((await send(url, 'GET', '/healthz')).status, 200, 'koa: GET /healthz');
  t.equal((await send(url, 'GET', '/admin/pools', { key: ADMIN_TOKEN })).status, 200, 'koa: GET /admin/pools');
  t.equal((await send(url, 'GET', '/metrics', { key: ADMIN_TOKEN })).status, 200, 'koa: GET /metrics');
  t.equal(engine.requests.length, 0, 'no inference request reached an engine through koa');
});

t.test('every inference request: served once, one access line with the status the client saw', async (t) => {
  const big = JSON.stringify({ model: 'small', messages: [{ role: 'user', content: 'x'.repeat(4096) }] });
  const cases: { name: string; method: string; path: string; key?: string; body?: string; status: number; upstream: number }[] = [
    { name: 'success', method: 'POST', path: '/v1/chat/completions', key: VALID, body: chat, status: 200, upstream: 1 },
    { name: 'success, query ignored', method: 'POST', path: '/v1/chat/completions?x=1', key: VALID, body: chat, status: 200, upstream: 1 },
    { name: 'success, absolute form', method: 'POST', path: `${test.url}/v1/chat/completions`, key: VALID, body: chat, status: 200, upstream: 1 },
    { name: 'no key', method: 'POST', path: '/v1/chat/completions', body: chat, status: 401, upstream: 0 },
    {
      name: 'unknown model',
      method: 'POST',
      path: '/v1/chat/completions',
      key: VALID,
      body: JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }),
      status: 404,
      upstream: 0,
    },
    { name: 'wrong method', method: 'GET', path: '/v1/chat/completions', key: VALID, status: 405, upstream: 0 },
    { name: 'HEAD', method: 'HEAD', path: '/v1/embeddings', status: 405, upstream: 0 },
    { name: 'OPTIONS', method: 'OPTIONS', path: '/v1/completions', status: 200, upstream: 0 },
    { name: 'too large', method: 'POST', path: '/v1/chat/completions', key: VALID, body: big, status: 413, upstream: 0 },
    { name: 'malformed JSON', method: 'POST', path: '/v1/chat/completions', key: VALID, body: '{"model":', status: 400, upstream: 0 },
  ];
  const ids: string[] = [];
  for (const c of cases) {
    const before = engine.requests.length;
    const reply = await send(test.url, c.method, c.path, { ...(c.key === undefined ? {} : { key: c.key }), ...(c.body === undefined ? {} : { body: c.body }) });
    t.equal(reply.status, c.status, `${c.name}: status`);
    t.equal(engine.requests.length - before, c.upstream, `${c.name}: upstream requests`);
    await waitFor(`${c.name}: its access line`, async () => test.requestLogs().some((line) => line['requestId'] === reply.id));
    ids.push(reply.id);
  }
  // A last request's line, written after every line above could have been: a second line for any of them would be in by now.
  const fence = await send(test.url, 'GET', '/healthz');
  await waitFor('the fence line', async () => test.requestLogs().some((line) => line['requestId'] === fence.id));
  for (const [index, c] of cases.entries()) {
    const lines = test.requestLogs().filter((line) => line['requestId'] === ids[index]);
    const path = c.path.replace(test.url, '').replace(/\?.*$/, '');
    t.strictSame(
      lines.map((line) => [line['method'], line['path'], line['status']]),
      [[c.method, path, c.status]],
      `${c.name}: one access line`,
    );
  }
});
