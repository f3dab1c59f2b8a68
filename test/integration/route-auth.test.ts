// Authentication does not depend on how a path is spelled: every inference and model route, under case,
// trailing-slash, double-slash, dot-segment and percent-encoded variants, is either authenticated and
// metered exactly like its canonical path, or a 404 in OpenAI's envelope. Paths are sent as raw bytes
// with node:http (fetch would normalise some of them); a hostile client is not an SDK.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import t from 'tap';
import { startFakeEngine } from '../fixtures/fake-engine.js';
import { configFor, startTestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN } from '../fixtures/wait.js';

const engine = await startFakeEngine();
// vLLM's bodies for the two non-chat routes (vllm-project/vllm, vllm/entrypoints/openai/protocol.py:
// CompletionResponse, EmbeddingResponse, UsageInfo); chat gets the fixture's echo.
engine.respond = (request) => {
  if (request.path === '/v1/embeddings') {
    return {
      kind: 'json',
      body: {
        id: 'embd-0c5f',
        object: 'list',
        created: 1700000000,
        model: 'served-small',
        data: [{ index: 0, object: 'embedding', embedding: [0.25, -0.5] }],
        usage: { prompt_tokens: 2, total_tokens: 2, completion_tokens: 0, prompt_tokens_details: null },
      },
    };
  }
  if (request.path === '/v1/completions') {
    return {
      kind: 'json',
      body: {
        id: 'cmpl-8e1d',
        object: 'text_completion',
        created: 1700000000,
        model: 'served-small',
        choices: [{ index: 0, text: ' there', logprobs: null, finish_reason: 'stop', stop_reason: null, prompt_logprobs: null }],
        usage: { prompt_tokens: 1, total_tokens: 2, completion_tokens: 1, prompt_tokens_details: null },
      },
    };
  }
  return null;
};

const VALID = 'sy-route-auth-valid-secret';
const DISABLED = 'sy-route-auth-disabled-secret';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const key = (id: string, secret: string, enabled: boolean) => ({
  id,
  hash: sha256(secret),
  prefix: secret.slice(0, 8),
  enabled,
  limits: { requestsPerMinute: 100_000 },
});
const test = await startTestRouter(configFor({ small: [engine.url] }, { auth: { required: true, keys: [key('valid', VALID, true), key('disabled', DISABLED, false)] } }), {
  ...process.env,
  SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN,
});
t.teardown(async () => {
  await test.close();
  await engine.close();
});

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

/** One request with `path` exactly as written on the request line; `secret` goes in a Bearer header, unless it is a whole header. */
function send(method: string, path: string, secret: string | null, body?: unknown): Promise<Reply> {
  const { port } = new URL(test.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          ...(secret === null ? {} : { authorization: secret.includes(' ') ? secret : `Bearer ${secret}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // Not JSON: the assertions below report it as it came.
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const chat = { model: 'small', messages: [{ role: 'user', content: 'hi' }] };
const routes: { method: string; path: string; body?: unknown; metered: boolean }[] = [
  { method: 'POST', path: '/v1/chat/completions', body: chat, metered: true },
  { method: 'POST', path: '/v1/completions', body: { model: 'small', prompt: 'hi' }, metered: true },
  { method: 'POST', path: '/v1/embeddings', body: { model: 'small', input: 'hi' }, metered: true },
  { method: 'GET', path: '/v1/models', metered: false },
  { method: 'GET', path: '/v1/models/small', metered: false },
];

/** Every spelling of `path` a client could try to slip past a check on the canonical one. */
function variants(path: string): string[] {
  const segments = path.split('/').slice(1); // ['v1', 'chat', 'completions']
  const last = segments.length - 1;
  const out = new Set<string>([
    path,
    `${path}?x=1`,
    path.toUpperCase(),
    path.replace('/v1/', '/V1/'),
    `/v1/${segments[1]!.charAt(0).toUpperCase()}${segments.slice(1).join('/').slice(1)}`,
    `${path}/`,
    `${path}//`,
    `/${path}`,
    path.replace('/v1/', '/v1//'),
    `${path.split('/').slice(0, -1).join('/')}//${segments[last]!}`,
    path.replace('/v1/', '/v1/./'),
    path.replace('/v1/', '/v1/x/../'),
    `/./${path.slice(1)}`,
    path.replace('/v1/', '/%76%31/'),
    path.replace('/v1/', '/v1%2F'),
    path.replace('/v1/', '/v1/%2F'),
    `/v1/%${segments[1]!.charCodeAt(0).toString(16)}${segments.slice(1).join('/').slice(1)}`,
    `/v1/%${segments[1]!.charCodeAt(0).toString(16).toUpperCase()}${segments.slice(1).join('/').slice(1)}`,
    `${path.split('/').slice(0, -1).join('/')}%2F${segments[last]!}`,
    `${path.split('/').slice(0, -1).join('/')}%2f${segments[last]!}`,
    `${path}%20`,
    `${path};x`,
    `${path}%00`,
    // Absolute form (RFC 9112 section 3.2.2): routed by its path, by the lane and koa alike.
    `${test.url}${path}`,
    `${test.url}${path.toUpperCase()}`,
    `${test.url}/${path}`,
  ]);
  return [...out];
}

t.test('canonical paths: 401 without a key, 403 with a disabled key, served and metered with a valid one', async (t) => {
  for (const route of routes) {
    t.equal((await send(route.method, route.path, null, route.body)).status, 401, `${route.method} ${route.path} without a key`);
    t.equal((await send(route.method, route.path, DISABLED, route.body)).status, 403, `${route.method} ${route.path} disabled key`);
    const served = await send(route.method, route.path, VALID, route.body);
    t.equal(served.status, 200, `${route.method} ${route.path} valid key`);
    if (route.metered) t.ok(served.headers['x-ratelimit-remaining-requests'], `${route.method} ${route.path} is metered`);
  }
});

t.test('every spelling of a route is authenticated like the canonical path, or a 404', async (t) => {
  for (const route of routes) {
    for (const path of variants(route.path)) {
      const where = `${route.method} ${path}`;
      const anonymous = await send(route.method, path, null, route.body);
      const disabled = await send(route.method, path, DISABLED, route.body);
      const valid = await send(route.method, path, VALID, route.body);
      if (anonymous.status === 404) {
        // Not a route: no credential changes that, and the answer is OpenAI's envelope.
        for (const reply of [anonymous, disabled, valid]) {
          t.equal(reply.status, 404, `${where}: 404 whatever the key`);
          t.match(reply.body, { error: { type: 'invalid_request_error', code: /^(not_found|model_not_found)$/ } }, `${where}: envelope`);
        }
        continue;
      }
      t.equal(anonymous.status, 401, `${where}: no key is refused`);
      t.match(anonymous.body, { error: { code: 'missing_api_key' } }, `${where}: missing_api_key`);
      t.equal(disabled.status, 403, `${where}: a disabled key is refused`);
      t.match(disabled.body, { error: { code: 'key_disabled' } }, `${where}: key_disabled`);
      t.ok(valid.status === 200 || valid.status === 404, `${where}: served (or an unknown model) with a valid key, got ${valid.status}`);
      if (valid.status === 200 && route.metered) t.ok(valid.headers['x-ratelimit-remaining-requests'], `${where}: metered`);
    }
  }
});

t.test('spellings that are not the route itself are 404s', async (t) => {
  // The one decision of which handler serves a request is exact: only the canonical path (and its query).
  for (const route of routes) {
    for (const path of variants(route.path)) {
      if (path === route.path || path === `${route.path}?x=1` || path === `${test.url}${route.path}`) continue;
      const reply = await send(route.method, path, VALID, route.body);
      t.equal(reply.status, 404, `${route.method} ${path}`);
    }
  }
});

t.test('the Bearer scheme is case-insensitive (RFC 9110 section 11.1), for client keys and the admin token', async (t) => {
  for (const scheme of ['bearer', 'BEARER', 'bEaReR', 'Bearer']) {
    const served = await send('POST', '/v1/chat/completions', `${scheme} ${VALID}`, chat);
    t.equal(served.status, 200, `${scheme} <client key>`);
    t.ok(served.headers['x-ratelimit-remaining-requests'], `${scheme} <client key> is metered`);
    t.equal((await send('POST', '/v1/chat/completions', `${scheme} ${DISABLED}`, chat)).status, 403, `${scheme} <disabled key>`);
    t.equal((await send('GET', '/admin/pools', `${scheme} ${ADMIN_TOKEN}`)).status, 200, `${scheme} <admin token>`);
  }
  // RFC 9110 allows one or more spaces after the scheme.
  t.equal((await send('POST', '/v1/chat/completions', `bearer   ${VALID}`, chat)).status, 200, 'several spaces');
  t.equal((await send('GET', '/admin/pools', `bearer   ${ADMIN_TOKEN}`)).status, 200, 'several spaces, admin');
  // Another scheme, or the scheme glued to the credential, is no credential at all.
  for (const header of [`Basic ${VALID}`, `Bearer${VALID}`, `Bearerx ${VALID}`]) {
    t.equal((await send('POST', '/v1/chat/completions', header.includes(' ') ? header : `${header} `, chat)).status, 401, header);
  }
  t.equal((await send('GET', '/admin/pools', `Basic ${ADMIN_TOKEN}`)).status, 401, 'Basic <admin token>');
});
