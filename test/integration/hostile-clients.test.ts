// Careless and hostile clients against the inference path (src/http/inference-lane.ts and the plan
// behind it): odd request targets and methods, broken credentials, odd pinned tiers, bodies that are
// not what they claim, clients that leave mid-body or mid-stream, and concurrent spending near a
// budget. Every error is OpenAI's envelope with a precise message and no internals, every request has
// exactly one access line with the status the client saw, the key's usage always settles, and
// POST /admin/route plans exactly what traffic does.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import OpenAI from 'openai';
import t, { type Test } from 'tap';
import { chatStreamEvents, startFakeEngine, type Behaviour } from '../fixtures/fake-engine.js';
import { startTestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN, waitFor } from '../fixtures/wait.js';

const [small, large] = await Promise.all([startFakeEngine(), startFakeEngine()]);
t.teardown(() => Promise.all([small.close(), large.close()]));

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const SECRET = 'sy-hostile-clients-team-secret';
const NEAR = 'sy-hostile-clients-near-budget';
const SHORT = 'sy-hostile-clients-short-budget';
const STREAMS = 'sy-hostile-clients-streams-budget';
const key = (id: string, secret: string, limits: Record<string, number>) => ({ id, hash: sha256(secret), prefix: secret.slice(0, 8), limits });
const pool = (name: string, url: string) => ({
  engine: 'vllm',
  servedModel: `served-${name}`,
  healthCheck: { intervalMs: 0 },
  engineMetrics: { intervalMs: 0 },
  firstTokenTimeoutMs: 2000,
  idleTimeoutMs: 2000,
  replicas: [{ name: `${name}-r0`, url }],
});
const test = await startTestRouter(
  {
    server: { shutdownGraceMs: 1000, bodyTimeoutMs: 1500, headersTimeoutMs: 1000 },
    logging: { level: 'info' },
    auth: {
      required: true,
      keys: [
        key('team', SECRET, { tokensPerDay: 10_000_000 }),
        key('near', NEAR, { tokensPerDay: 400 }),
        key('short', SHORT, { tokensPerDay: 10_000_000, maxConcurrent: 2 }),
        key('streams', STREAMS, { tokensPerDay: 600 }),
      ],
    },
    budgets: { budgetMode: 'strict', maxOutputTokens: 64 },
    models: {
      auto: { tiers: ['small', 'large'], classify: true, allowTierHeader: true, route: { simple: 'small', moderate: 'small', complex: 'large' } },
      small: { tiers: ['small'] },
    },
    tiers: { small: { pools: ['small'] }, large: { pools: ['large'] } },
    pools: { small: pool('small', small.url), large: pool('large', large.url) },
  },
  { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN },
);
t.teardown(() => test.close());
const port = Number(new URL(test.url).port);

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
}

/** Bytes written on a socket of their own, and everything read back until the server closes it. */
function rawExchange(parts: readonly (string | Buffer)[]): Promise<string> {
  return new Promise<string>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (part: string) => (received += part));
    socket.on('close', () => resolve(received));
    socket.on('error', () => resolve(received));
    for (const part of parts) socket.write(part);
    socket.end();
  });
}

let sent = 0;
const nextId = () => `hostile-${process.pid}-${sent++}`;

/** One request over node:http; `path` exactly as written on the request line. */
function send(method: string, path: string, options: { headers?: Record<string, string | string[]>; body?: string | Buffer; id?: string } = {}): Promise<Reply & { id: string }> {
  const id = options.id ?? nextId();
  return new Promise((resolve, reject) => {
    // An explicit length: node:http sends a GET's body unframed, which no server can read.
    const length = options.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(options.body)) };
    const req = request({ host: '127.0.0.1', port, method, path, headers: { 'x-request-id': id, ...length, ...options.headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ id, status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, text }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const auth = (secret = SECRET) => ({ authorization: `Bearer ${secret}`, 'content-type': 'application/json' });
const hi = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], ...extra });

/** Writes raw bytes on a fresh socket and resolves with everything received once the router closes it (or after `waitMs`). */
function raw(bytes: string | Buffer, waitMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => {});
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.write(bytes);
  });
}

function parseRaw(text: string): { status: number; headers: Record<string, string>; body: string } {
  const split = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers, body: text.slice(split + 4) };
}

/** Asserts an error reply is exactly OpenAI's envelope with this code and message. */
function isError(t: Test, reply: { status: number; text: string }, status: number, code: string, message: string | RegExp, what: string): void {
  t.equal(reply.status, status, `${what}: status`);
  let body: { error?: Record<string, unknown> } = {};
  try {
    body = JSON.parse(reply.text) as typeof body;
  } catch {
    t.fail(`${what}: the body is not JSON: ${reply.text.slice(0, 200)}`);
    return;
  }
  t.strictSame(Object.keys(body), ['error'], `${what}: only the envelope`);
  t.strictSame(Object.keys(body.error ?? {}).sort(), ['code', 'message', 'param', 'type'], `${what}: the envelope's fields`);
  t.equal(body.error?.['code'], code, `${what}: code`);
  if (typeof message === 'string') t.equal(body.error?.['message'], message, `${what}: message`);
  else t.match(body.error?.['message'], message, `${what}: message`);
  t.notMatch(reply.text, /at .*\.(ts|js):\d+|node:internal|Error: /, `${what}: no stack trace`);
}

/** The access lines of a request id, once the last line that could be written for it is in. */
async function accessLines(id: string): Promise<Record<string, unknown>[]> {
  await waitFor(`the access line of ${id}`, async () => test.requestLogs().some((line) => line['requestId'] === id));
  // A fence: a request sent after, whose line comes after any second line of the first.
  const fence = await send('GET', '/healthz');
  await waitFor('the fence line', async () => test.requestLogs().some((line) => line['requestId'] === fence.id));
  return test.requestLogs().filter((line) => line['requestId'] === id);
}

async function oneAccessLine(t: Test, id: string, status: number, what: string): Promise<Record<string, unknown>> {
  const lines = await accessLines(id);
  t.strictSame(
    lines.map((line) => line['status']),
    [status],
    `${what}: exactly one access line, status ${status}`,
  );
  return lines[0] ?? {};
}

interface Usage {
  readonly tokens: { readonly day: { readonly used: number; readonly reserved: number; readonly limit: number | null } };
  readonly concurrency: { readonly active: number };
}

async function usage(id: string): Promise<Usage> {
  const res = await fetch(`${test.url}/admin/keys/${id}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return ((await res.json()) as { usage: Usage }).usage;
}

/** Waits until the key holds no reservation and no request in flight: its usage has settled. */
async function settled(id: string): Promise<Usage> {
  return waitFor(`key ${id} to settle`, async () => {
    const now = await usage(id);
    return now.tokens.day.reserved === 0 && now.concurrency.active === 0 ? now : null;
  });
}

t.beforeEach(() => {
  for (const engine of [small, large]) {
    engine.requests.length = 0;
    engine.respond = null;
  }
});

t.test('request targets: the exact path is served (query, absolute form); every other spelling is a 404 that never reaches an engine', async (t) => {
  for (const path of [
    '/v1/chat/completions?x',
    '/v1/chat/completions?',
    '/v1/chat/completions?model=large',
    `http://127.0.0.1:${port}/v1/chat/completions`,
    'http://evil.example/v1/chat/completions',
  ]) {
    const reply = await send('POST', path, { headers: auth(), body: hi() });
    t.equal(reply.status, 200, `${path}: served`);
    await oneAccessLine(t, reply.id, 200, path);
  }
  const before = small.requests.length + large.requests.length;
  for (const path of [
    '/v1//chat/completions',
    '/v1/chat%2Fcompletions',
    '/v1%2Fchat%2Fcompletions',
    '/v1/chat/completions%3F',
    '/v1/chat/completions;x',
    '/v1/chat/./completions',
    '/v1/chat/../chat/completions',
    '//v1/chat/completions',
    `/v1/chat/completions/${'a'.repeat(4000)}`,
  ]) {
    const reply = await send('POST', path, { headers: auth(), body: hi() });
    isError(t, reply, 404, 'not_found', /^Invalid URL \(POST \//, path.slice(0, 60));
    await oneAccessLine(t, reply.id, 404, path.slice(0, 60));
  }
  t.equal(small.requests.length + large.requests.length, before, 'no spelling reached an engine');
  const star = parseRaw(await raw(`OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
  t.equal(star.status, 404, 'OPTIONS *: a 404 from koa');
  const long = parseRaw(await raw(`POST /v1/chat/completions?${'q'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
  isError(t, { status: long.status, text: long.body }, 431, 'headers_too_large', /./, 'a 20 KB target');
});

t.test('methods: HEAD with a body, lowercase and unknown methods, a body on GET', async (t) => {
  const head = await raw(
    `HEAD /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(hi())}\r\n\r\n${hi()}` +
      `GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
  );
  t.match(head, /^HTTP\/1\.1 405 /, 'HEAD with a body: 405');
  t.match(head, /\r\n\r\nHTTP\/1\.1 200 /, 'the body of the HEAD was consumed: the next request on the connection is served');
  for (const method of ['post', 'Post', 'FOO', 'BREW']) {
    const reply = parseRaw(
      await raw(`${method} /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(hi())}\r\n\r\n${hi()}`),
    );
    isError(t, { status: reply.status, text: reply.body }, 400, 'bad_request', 'The request is not valid HTTP/1.1.', method);
  }
  const get = await send('GET', '/v1/chat/completions', { headers: auth(), body: hi() });
  isError(t, get, 405, 'method_not_allowed', 'Method not allowed (GET /v1/chat/completions); allowed: POST.', 'GET with a body');
  await oneAccessLine(t, get.id, 405, 'GET with a body');
  t.equal(small.requests.length + large.requests.length, 0, 'nothing reached an engine');
});

t.test('credentials: missing, empty, garbage, other schemes, x-api-key only, duplicated', async (t) => {
  const missing = "You didn't provide an API key. Send it in an Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY).";
  const cases: { name: string; headers: Record<string, string | string[]>; code: string; message: string | RegExp }[] = [
    { name: 'no header', headers: {}, code: 'missing_api_key', message: missing },
    { name: 'empty', headers: { authorization: '' }, code: 'missing_api_key', message: missing },
    { name: 'Bearer alone', headers: { authorization: 'Bearer' }, code: 'missing_api_key', message: missing },
    { name: 'Bearer and spaces', headers: { authorization: 'Bearer    ' }, code: 'missing_api_key', message: missing },
    { name: 'Basic', headers: { authorization: `Basic ${Buffer.from(`u:${SECRET}`).toString('base64')}` }, code: 'missing_api_key', message: missing },
    { name: 'the bare secret', headers: { authorization: SECRET }, code: 'missing_api_key', message: missing },
    { name: 'x-api-key only', headers: { 'x-api-key': SECRET }, code: 'missing_api_key', message: missing },
    { name: 'garbage', headers: { authorization: 'Bearer <\u00ff>' }, code: 'invalid_api_key', message: 'Incorrect API key provided: ***.' },
    { name: 'a wrong long key', headers: { authorization: `Bearer ${'k'.repeat(5000)}` }, code: 'invalid_api_key', message: 'Incorrect API key provided: kkkkkk***kk.' },
    { name: 'the secret with a suffix', headers: { authorization: `Bearer ${SECRET}x` }, code: 'invalid_api_key', message: /^Incorrect API key provided: sy-hos\*\*\*tx\.$/ },
  ];
  for (const c of cases) {
    const reply = await send('POST', '/v1/chat/completions', { headers: { 'content-type': 'application/json', ...c.headers }, body: hi() });
    isError(t, reply, 401, c.code, c.message, c.name);
    t.notMatch(reply.text, SECRET, `${c.name}: the secret is not echoed`);
    await oneAccessLine(t, reply.id, 401, c.name);
  }
  // node:http keeps the first of duplicated Authorization headers (RFC 9110: it is a singleton field).
  const first = await send('POST', '/v1/chat/completions', { headers: { 'content-type': 'application/json', authorization: [`Bearer ${SECRET}`, 'Bearer nope'] }, body: hi() });
  t.equal(first.status, 200, 'duplicated Authorization, the valid one first: the first counts');
  const second = await send('POST', '/v1/chat/completions', { headers: { 'content-type': 'application/json', authorization: ['Bearer nope', `Bearer ${SECRET}`] }, body: hi() });
  t.equal(second.status, 401, 'duplicated Authorization, the valid one second: the first counts');
});

t.test('a pinned tier header with odd values', async (t) => {
  const tiers = "model `auto`'s tiers (small, large)";
  const pin = (value: string | string[]) => send('POST', '/v1/chat/completions', { headers: { ...auth(), 'x-switchyard-tier': value }, body: hi() });
  const empty = await pin('');
  t.equal(empty.status, 200, 'empty: no pin');
  t.not(empty.headers['x-switchyard-reason']?.startsWith('pinned'), true, 'empty: classified, not pinned');
  const spaced = await pin('  large  ');
  t.equal(spaced.headers['x-switchyard-reason'], 'pinned: large', 'surrounding spaces are not part of the value (node trims them)');
  isError(t, await pin('LARGE'), 400, 'invalid_request', `Tier \`LARGE\` is not one of ${tiers}.`, 'other case');
  isError(t, await pin(['small', 'large']), 400, 'invalid_request', `Tier \`small, large\` is not one of ${tiers}.`, 'duplicated');
  // Sent as UTF-8 bytes, read by node:http as Latin-1: still a precise 400, never a 500.
  const utf8 = parseRaw(
    await raw(
      Buffer.from(
        `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${SECRET}\r\nX-Switchyard-Tier: gro\u00df \u2603\r\nContent-Length: ${hi().length}\r\nConnection: close\r\n\r\n${hi()}`,
      ),
    ),
  );
  isError(t, { status: utf8.status, text: utf8.body }, 400, 'invalid_request', /^Tier `gro.+` is not one of model `auto`'s tiers \(small, large\)\.$/, 'non-ASCII');
  const huge = await pin('t'.repeat(10_000));
  // Compared by length first: a failure must not print 10 KB.
  t.ok(huge.text.length < 1000, 'a 10 KB pin is not echoed whole');
  if (huge.text.length < 1000)
    isError(t, huge, 400, 'invalid_request', `Tier \`${'t'.repeat(256)}…(9744 more characters)\` is not one of ${tiers}.`, 'a 10 KB value is clipped like a long model');
  const line = await oneAccessLine(t, huge.id, 400, '10 KB pin');
  t.ok(JSON.stringify(line).length < 2000, 'a 10 KB pin is not logged whole');
  const other = await send('POST', '/v1/chat/completions', {
    headers: { ...auth(), 'x-switchyard-tier': 'large' },
    body: JSON.stringify({ model: 'small', messages: [{ role: 'user', content: 'hi' }] }),
  });
  isError(t, other, 400, 'invalid_request', 'The x-switchyard-tier header is not allowed for model `small`.', 'pin on an alias that refuses it');
  t.equal(small.requests.length + large.requests.length, 2, 'only the two served requests reached an engine');
});

t.test('bodies that are not what they claim: a precise 400, 413 or 415 in the envelope, nothing reserved, no engine asked', async (t) => {
  const before = await settled('team');
  const post = (body: string | Buffer, headers: Record<string, string> = {}) => send('POST', '/v1/chat/completions', { headers: { ...auth(), ...headers }, body });
  const messages = [{ role: 'user', content: 'hi' }];
  const cases: { name: string; body: string | Buffer; headers?: Record<string, string>; status: number; code: string; message: string | RegExp }[] = [
    { name: 'empty', body: '', status: 400, code: 'invalid_json', message: 'The request body is empty; expected a JSON object.' },
    { name: 'not JSON', body: 'model=auto&messages=hi', status: 400, code: 'invalid_json', message: /^We could not parse the JSON body of your request \(.+\)\.$/ },
    { name: 'a BOM', body: `\ufeff${hi()}`, status: 400, code: 'invalid_json', message: /^We could not parse the JSON body of your request \(.+\)\.$/ },
    {
      name: 'Latin-1 bytes',
      body: Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]),
      status: 400,
      code: 'invalid_json',
      message: 'The request body is not valid UTF-8; JSON must be sent as UTF-8.',
    },
    { name: 'JSON null', body: 'null', status: 400, code: 'invalid_request', message: 'The request body must be a JSON object.' },
    { name: 'a JSON array', body: `[${hi()}]`, status: 400, code: 'invalid_request', message: 'The request body must be a JSON object.' },
    { name: 'a JSON string', body: '"hi"', status: 400, code: 'invalid_request', message: 'The request body must be a JSON object.' },
    {
      name: 'model a number',
      body: JSON.stringify({ model: 5, messages }),
      status: 400,
      code: 'invalid_request',
      message: "Invalid type for 'model': expected a non-empty string, got number 5.",
    },
    {
      name: 'model an array',
      body: JSON.stringify({ model: ['auto'], messages }),
      status: 400,
      code: 'invalid_request',
      message: "Invalid type for 'model': expected a non-empty string, got an array.",
    },
    {
      name: 'model an object',
      body: JSON.stringify({ model: { name: 'auto' }, messages }),
      status: 400,
      code: 'invalid_request',
      message: "Invalid type for 'model': expected a non-empty string, got an object.",
    },
    {
      name: 'model empty',
      body: JSON.stringify({ model: '', messages }),
      status: 400,
      code: 'invalid_request',
      message: "Invalid type for 'model': expected a non-empty string, got a string.",
    },
    {
      name: 'model very long',
      body: JSON.stringify({ model: 'm'.repeat(100_000), messages }),
      status: 404,
      code: 'model_not_found',
      message: `The model \`${'m'.repeat(256)}…(99744 more characters)\` does not exist. Known models: auto, small.`,
    },
    {
      name: 'model with a newline',
      body: JSON.stringify({ model: 'auto\n', messages }),
      status: 404,
      code: 'model_not_found',
      message: 'The model `auto\n` does not exist. Known models: auto, small.',
    },
    { name: 'stream a string', body: hi({ stream: 'true' }), status: 400, code: 'invalid_request', message: "Invalid type for 'stream': expected a boolean, got a string." },
    { name: 'stream a number', body: hi({ stream: 1 }), status: 400, code: 'invalid_request', message: "Invalid type for 'stream': expected a boolean, got number 1." },
    {
      name: 'messages an object',
      body: JSON.stringify({ model: 'auto', messages: { role: 'user', content: 'hi' } }),
      status: 400,
      code: 'invalid_request',
      message: "Invalid type for 'messages': expected an array, got an object.",
    },
    {
      name: 'a message without a role',
      body: JSON.stringify({ model: 'auto', messages: [{ content: 'hi' }] }),
      status: 400,
      code: 'invalid_request',
      message: "Missing required parameter: 'messages[0].role'.",
    },
    { name: 'n zero', body: hi({ n: 0 }), status: 400, code: 'invalid_request', message: "Invalid value for 'n': expected an integer of at least 1, got number 0." },
    {
      name: 'nested 600 deep',
      body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: JSON.parse('['.repeat(600) + ']'.repeat(600)) as unknown }] }),
      status: 400,
      code: 'invalid_json',
      message: 'The JSON body of your request is nested deeper than 512 levels.',
    },
    {
      name: 'text/plain',
      body: hi(),
      headers: { 'content-type': 'text/plain' },
      status: 415,
      code: 'unsupported_media_type',
      message: "Unsupported content type 'text/plain': send the JSON body with 'Content-Type: application/json'.",
    },
    {
      name: '5 MB',
      body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'x'.repeat(5 * 1024 * 1024) }] }),
      status: 413,
      code: 'request_too_large',
      message: 'The request body is larger than the limit of 4194304 bytes.',
    },
  ];
  for (const c of cases) {
    const reply = await post(c.body, c.headers);
    // Compared by length first: a failure must not print megabytes.
    t.ok(reply.text.length < 2000, `${c.name}: a short answer`);
    if (reply.text.length < 2000) isError(t, reply, c.status, c.code, c.message, c.name);
    const line = await oneAccessLine(t, reply.id, c.status, c.name);
    t.ok(JSON.stringify(line).length < 2000, `${c.name}: a short access line`);
  }
  t.equal(small.requests.length + large.requests.length, 0, 'no engine was asked');
  t.strictSame(await settled('team'), before, 'nothing was reserved or charged');
});

t.test('bodies that are odd but valid: served, and the engine gets what the router read', async (t) => {
  // Duplicate keys: the last wins (JSON.parse, and Python's json, alike); the engine gets the router's reading.
  const dup = await send('POST', '/v1/chat/completions', {
    headers: auth(),
    body: '{"model":"nope","model":"small","messages":[{"role":"user","content":"hi"}],"max_tokens":100000,"max_tokens":5}',
  });
  t.equal(dup.status, 200, 'duplicate keys: served');
  t.equal(dup.headers['x-switchyard-model'], 'small');
  t.strictSame([small.requests.at(-1)?.body?.['model'], small.requests.at(-1)?.body?.['max_tokens']], ['served-small', 5], 'the engine saw the last value of each');
  const n = await send('POST', '/v1/chat/completions', { headers: auth(), body: hi({ n: 3 }) });
  t.equal(n.status, 200, 'n: 3 is passed through');
  t.equal(small.requests.at(-1)?.body?.['n'], 3);
  // A 4 MB prompt, just under the limit: classified from a bounded window, served, one access line.
  const filler = 'lorem ipsum dolor sit amet '.repeat(150_000);
  const huge = await send('POST', '/v1/chat/completions', {
    headers: auth(),
    body: JSON.stringify({ model: 'auto', max_tokens: 4, messages: [{ role: 'user', content: filler }] }),
  });
  t.equal(huge.status, 200, 'a 4 MB prompt is served');
  t.equal(huge.headers['x-switchyard-tier'], 'large', 'a prompt past the long-context floor goes to the large tier');
  t.match(huge.headers['x-switchyard-reason'], /long-context/);
  await oneAccessLine(t, huge.id, 200, '4 MB prompt');
  // 5 000 messages, each a few words.
  const many = Array.from({ length: 5000 }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: `turn ${i}` }));
  const long = await send('POST', '/v1/chat/completions', { headers: auth(), body: JSON.stringify({ model: 'auto', max_tokens: 4, messages: many }) });
  t.equal(long.status, 200, '5 000 messages are served');
  // Content nested 500 deep (under the limit) in an unknown field: passed through, no 500.
  const deep = await send('POST', '/v1/chat/completions', { headers: auth(), body: hi({ extra: JSON.parse('['.repeat(500) + ']'.repeat(500)) as unknown }) });
  t.equal(deep.status, 200, '500 levels deep in an unknown field: served');
  await settled('team');
});

t.test('an image with reasoning_effort high reaches the large tier, through the SDK, and the dry run says the same', async (t) => {
  const client = new OpenAI({ baseURL: `${test.url}/v1`, apiKey: SECRET, maxRetries: 0 });
  const { response } = await client.chat.completions
    .create({
      model: 'auto',
      reasoning_effort: 'high',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
      ],
    })
    .withResponse();
  t.equal(response.headers.get('x-switchyard-tier'), 'large');
  t.equal(large.requests.length, 1, 'the large engine served it');
  t.equal(small.requests.length, 0);
});

/** Opens a socket, writes `head` and `parts` of a body, and resolves with what was received once the router closed it. */
function partial(head: string, parts: string[], leaveAfterMs: number | null): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => {});
    socket.once('close', () => resolve(received));
    socket.write(head);
    for (const part of parts) socket.write(part);
    if (leaveAfterMs !== null) setTimeout(() => socket.destroy(), leaveAfterMs);
  });
}

const postHead = (id: string, framing: string, secret = SECRET) =>
  `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Request-Id: ${id}\r\nAuthorization: Bearer ${secret}\r\nContent-Type: application/json\r\n${framing}\r\n\r\n`;

t.test('a body that stalls: 408 in the envelope, the connection closed, one access line', async (t) => {
  for (const framing of ['Content-Length: 500', 'Transfer-Encoding: chunked']) {
    const id = nextId();
    const part = framing.startsWith('Content') ? '{"model": "auto", ' : '12\r\n{"model": "auto", \r\n';
    const reply = parseRaw(await partial(postHead(id, framing), [part], null));
    isError(t, { status: reply.status, text: reply.body }, 408, 'request_timeout', 'The request was not received in time; the connection is closed.', framing);
    // Before the fix in client-error.ts the body's read waited forever: no access line at all.
    const lines = await accessLines(id);
    t.equal(lines.length, 1, `${framing}: exactly one access line`);
    t.equal(lines[0]?.['status'], 408, `${framing}: the access line has the status the client saw`);
  }
  t.equal(small.requests.length + large.requests.length, 0, 'no engine was asked');
  await settled('team');
});

t.test('a client that leaves mid-body: 499 in the access line, nothing reserved, the router serves on', async (t) => {
  for (const framing of ['Content-Length: 500', 'Transfer-Encoding: chunked']) {
    const id = nextId();
    const part = framing.startsWith('Content') ? '{"model": "auto", ' : '12\r\n{"model": "auto", \r\n';
    await partial(postHead(id, framing), [part], 100);
    await oneAccessLine(t, id, 499, framing);
  }
  t.equal(small.requests.length + large.requests.length, 0, 'no engine was asked');
  const after = await settled('team');
  t.equal(after.concurrency.active, 0);
  t.equal((await send('POST', '/v1/chat/completions', { headers: auth(), body: hi() })).status, 200, 'served on');
});

t.test('a client that leaves mid-stream: the engine is let go, the key settles to what was streamed, 499 logged once', async (t) => {
  const before = await settled('team');
  small.reply({ kind: 'stream', events: chatStreamEvents(Array.from({ length: 40 }, (_, i) => ` w${i}`)), delayMs: 30 });
  const id = nextId();
  const body = JSON.stringify({ model: 'small', stream: true, max_tokens: 50, messages: [{ role: 'user', content: 'count' }] });
  const received = await new Promise<string>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    socket.on('data', (chunk: string) => {
      text += chunk;
      // Leave after a few tokens.
      if ((text.match(/"content":" w/g) ?? []).length >= 3) socket.destroy();
    });
    socket.once('close', () => resolve(text));
    socket.write(`${postHead(id, `Content-Length: ${Buffer.byteLength(body)}`)}${body}`);
  });
  t.match(received, /^HTTP\/1\.1 200 /, 'the stream had begun');
  await small.nextEarlyClose();
  t.pass('the engine connection was closed');
  await oneAccessLine(t, id, 499, 'mid-stream');
  const after = await settled('team');
  const charged = after.tokens.day.used - before.tokens.day.used;
  t.ok(charged > 0 && charged <= 50 + 100, `charged what was streamed and the prompt estimate (${charged}), not the reservation`);
});

t.test('concurrent requests from one key near its token budget: never overspent, every token settled', async (t) => {
  // The near key has 400 tokens a day; each request reserves its prompt estimate + max_tokens 60 and the engine
  // reports usage up to the cap: no mix of admissions may spend past 400.
  small.respond = (request) => ({
    kind: 'json',
    body: {
      id: 'chatcmpl-near',
      object: 'chat.completion',
      created: 1700000000,
      model: 'served-small',
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'length' }],
      usage: { prompt_tokens: 20, completion_tokens: Number(request.body?.['max_tokens'] ?? 0), total_tokens: 20 + Number(request.body?.['max_tokens'] ?? 0) },
    },
  });
  const one = () =>
    send('POST', '/v1/chat/completions', { headers: auth(NEAR), body: JSON.stringify({ model: 'small', max_tokens: 60, messages: [{ role: 'user', content: 'hi' }] }) });
  const replies = await Promise.all(Array.from({ length: 24 }, one));
  const statuses = replies.map((reply) => reply.status);
  const served = statuses.filter((status) => status === 200).length;
  t.ok(served >= 1, `some were served (${served})`);
  t.strictSame(
    statuses.filter((status) => status !== 200 && status !== 429),
    [],
    'the others are 429s',
  );
  for (const reply of replies.filter((r) => r.status === 429)) {
    t.match(JSON.parse(reply.text), { error: { code: /^(rate_limit_exceeded|insufficient_quota)$/ } });
  }
  const after = await settled('near');
  t.ok(after.tokens.day.used <= 400, `never past the limit (${after.tokens.day.used} of 400)`);
  t.equal(after.tokens.day.used, served * 80, 'every served request charged its usage');
});

t.test('POST /admin/route plans what traffic does: the same tier, class and reason for the same body', async (t) => {
  const code = 'Write a Python function that merges two sorted lists, explain it step by step, then write unit tests:\n```python\ndef merge(a, b):\n    ...\n```';
  const image = [
    { type: 'text', text: 'hi' },
    { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
  ];
  const cases: { name: string; body: Record<string, unknown>; pin?: string }[] = [
    { name: 'a greeting', body: { model: 'auto', messages: [{ role: 'user', content: 'hi' }] } },
    { name: 'code', body: { model: 'auto', messages: [{ role: 'user', content: code }] } },
    { name: 'an image', body: { model: 'auto', messages: [{ role: 'user', content: image }] } },
    { name: 'reasoning_effort high', body: { model: 'auto', reasoning_effort: 'high', messages: [{ role: 'user', content: 'hi' }] } },
    { name: 'tools', body: { model: 'auto', tools: [{ type: 'function', function: { name: 'f', parameters: {} } }], messages: [{ role: 'user', content: 'hi' }] } },
    { name: 'a stream', body: { model: 'auto', stream: true, messages: [{ role: 'user', content: code }] } },
    {
      name: 'a long thread ending in thanks',
      body: {
        model: 'auto',
        messages: [
          { role: 'user', content: code },
          { role: 'assistant', content: 'def merge(a, b): ...' },
          { role: 'user', content: 'thanks!' },
        ],
      },
    },
    { name: 'pinned', body: { model: 'auto', messages: [{ role: 'user', content: code }] }, pin: 'small' },
    { name: 'an empty pin', body: { model: 'auto', messages: [{ role: 'user', content: code }] }, pin: '' },
    { name: 'not classified', body: { model: 'small', messages: [{ role: 'user', content: code }] } },
    { name: 'no content', body: { model: 'auto', messages: [{ role: 'user' }] } },
    { name: 'content null', body: { model: 'auto', messages: [{ role: 'user', content: null }] } },
    { name: 'content a number', body: { model: 'auto', messages: [{ role: 'user', content: 42 }] } },
    { name: 'odd parts', body: { model: 'auto', messages: [{ role: 'user', content: [null, 5, { type: 'text' }, { type: 'text', text: 7 }] }] } },
  ];
  for (const c of cases) {
    const pin: Record<string, string> = c.pin === undefined ? {} : { 'x-switchyard-tier': c.pin };
    const dry = await send('POST', '/admin/route', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', ...pin },
      body: JSON.stringify(c.body),
    });
    t.equal(dry.status, 200, `${c.name}: the dry run answers`);
    const plan = (JSON.parse(dry.text) as { plan: { chain: { tier: string }[]; complexity: string | null; reason: string } }).plan;
    const real = await send('POST', '/v1/chat/completions', { headers: { ...auth(), ...pin }, body: JSON.stringify(c.body) });
    t.equal(real.status, 200, `${c.name}: traffic is served`);
    t.strictSame(
      [real.headers['x-switchyard-tier'], real.headers['x-switchyard-complexity'] ?? null, real.headers['x-switchyard-reason']],
      [plan.chain[0]?.tier, plan.complexity, plan.reason],
      `${c.name}: traffic did what the dry run planned`,
    );
  }
  await settled('team');
});

t.test('POST /admin/route refuses what traffic refuses, with the same error', async (t) => {
  const bodies: { name: string; body: string; pin?: string }[] = [
    { name: 'unknown model', body: JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }) },
    { name: 'model a number', body: JSON.stringify({ model: 1, messages: [{ role: 'user', content: 'hi' }] }) },
    { name: 'stream a string', body: hi({ stream: 'yes' }) },
    { name: 'not JSON', body: '{' },
    { name: 'a BOM', body: `\ufeff${hi()}` },
    { name: 'too deep', body: hi({ extra: JSON.parse('['.repeat(600) + ']'.repeat(600)) as unknown }) },
    { name: 'a bad pin', body: hi(), pin: 'medium' },
    { name: 'a 10 KB pin', body: hi(), pin: 'p'.repeat(10_000) },
  ];
  for (const c of bodies) {
    const pin: Record<string, string> = c.pin === undefined ? {} : { 'x-switchyard-tier': c.pin };
    const dry = await send('POST', '/admin/route', { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', ...pin }, body: c.body });
    const real = await send('POST', '/v1/chat/completions', { headers: { ...auth(), ...pin }, body: c.body });
    t.strictSame([dry.status, dry.text], [real.status, real.text], `${c.name}: the same answer`);
  }
  t.equal(small.requests.length + large.requests.length, 0, 'no engine was asked');
});

t.test('HTTP framing: Expect 100-continue, pipelining, lengths that lie, smuggling shapes, upgrades', async (t) => {
  const body = hi();
  const head = (extra: string) => `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${SECRET}\r\nContent-Type: application/json\r\n${extra}`;
  // curl sends Expect: 100-continue for bodies over 1 KB and waits for the 100 before sending them.
  const continued = await new Promise<string>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.startsWith('HTTP/1.1 100') && text.endsWith('\r\n\r\n') && !text.includes('200')) socket.write(body);
    });
    socket.once('close', () => resolve(text));
    socket.write(`${head(`Content-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`)}`);
  });
  t.match(continued, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /, 'Expect: 100-continue: 100, then the answer');
  const refused = await raw(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`, 1500);
  t.match(refused, /HTTP\/1\.1 401 /, 'Expect: 100-continue without a key: a 401 (the body need not be sent)');
  // Two requests pipelined on one connection: answered in order, each once.
  const pipelined = await raw(`${head(`Content-Length: ${body.length}\r\n\r\n`)}${body}${head(`Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`)}${body}`);
  t.equal(pipelined.match(/HTTP\/1\.1 200 /g)?.length, 2, 'pipelined: two answers');
  // A valid request with bytes that are not HTTP pipelined behind it: it is served, then the 400 (once its
  // answer was replaced by the 400, and the handler ran on into an internal error).
  for (const stream of [false, true]) {
    const valid = JSON.stringify({ model: 'small', stream, messages: [{ role: 'user', content: 'hi' }] });
    const id = nextId();
    const both = await raw(`${postHead(id, `Content-Length: ${valid.length}`)}${valid}NOT HTTP\r\n\r\n`);
    t.match(both, /^HTTP\/1\.1 200 [^]*HTTP\/1\.1 400 [^]*"code":"bad_request"/, `stream ${stream}: the valid request's answer, then the 400`);
    await oneAccessLine(t, id, 200, `stream ${stream}: the valid request`);
  }
  // A length that says less than is sent: the rest is read as the next request, which is not HTTP.
  const short = await raw(`${head('Content-Length: 10\r\n\r\n')}${body}`);
  t.match(short, /^HTTP\/1\.1 400 [^]*"code":"invalid_json"[^]*HTTP\/1\.1 400 [^]*"code":"bad_request"/, 'a short length: 400 invalid_json, then 400 bad_request');
  for (const [name, framing] of [
    ['a negative length', 'Content-Length: -1\r\n'],
    ['a length that is not a number', 'Content-Length: ten\r\n'],
    ['two lengths that disagree', `Content-Length: ${body.length}\r\nContent-Length: 3\r\n`],
    ['a length and chunked', `Content-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n`],
    ['an unknown transfer coding', 'Transfer-Encoding: gzip, chunked, identity\r\n'],
  ] as const) {
    const reply = parseRaw(await raw(`${head(framing)}\r\n${body}`));
    isError(t, { status: reply.status, text: reply.body }, 400, 'bad_request', 'The request is not valid HTTP/1.1.', name);
  }
  const upgrade = await raw(`${head(`Content-Length: ${body.length}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`)}${body}`, 1500);
  t.match(upgrade, /^HTTP\/1\.1 (200|400|426) /, `an upgrade request is answered, not left hanging (${upgrade.slice(0, 20)})`);
  const tunnel = await raw(`CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`, 1500);
  const connectReply = parseRaw(tunnel);
  isError(
    t,
    { status: connectReply.status, text: connectReply.body },
    405,
    'method_not_allowed',
    'The CONNECT method is not supported: this server is an API, not a proxy.',
    'CONNECT',
  );
  await settled('team');
});

t.test('clients gone while the engine works: the engine is let go, concurrency and reservations are released', async (t) => {
  // The short key allows 2 requests at once: a leaked slot would refuse the requests after.
  for (let round = 0; round < 3; round++) {
    small.reply({ kind: 'stall' }, { kind: 'stream', events: chatStreamEvents(Array.from({ length: 50 }, (_, i) => ` w${i}`)), delayMs: 20 });
    const ids = [nextId(), nextId()];
    const plain = JSON.stringify({ model: 'small', max_tokens: 30, messages: [{ role: 'user', content: 'wait' }] });
    const stream = JSON.stringify({ model: 'small', stream: true, max_tokens: 60, messages: [{ role: 'user', content: 'count' }] });
    const closes = [small.nextEarlyClose()];
    await Promise.all([
      partial(`${postHead(ids[0] ?? '', `Content-Length: ${plain.length}`, SHORT)}${plain}`, [], 200),
      partial(`${postHead(ids[1] ?? '', `Content-Length: ${stream.length}`, SHORT)}${stream}`, [], 200),
    ]);
    await closes[0];
    for (const id of ids) await oneAccessLine(t, id, 499, `round ${round}: ${id}`);
    const after = await settled('short');
    t.equal(after.concurrency.active, 0, `round ${round}: no slot held`);
  }
  const served = await Promise.all([1, 2].map(() => send('POST', '/v1/chat/completions', { headers: auth(SHORT), body: hi({ model: 'small' }) })));
  t.strictSame(
    served.map((reply) => reply.status),
    [200, 200],
    'both slots are free',
  );
});

t.test('an engine that drops mid-stream: an error event, the stream ends, one access line, usage settles', async (t) => {
  const before = await settled('team');
  small.reply({ kind: 'stream', events: chatStreamEvents(['a', ' b', ' c', ' d', ' e']), dropAfter: 3 });
  const id = nextId();
  const reply = await send('POST', '/v1/chat/completions', {
    id,
    headers: auth(),
    body: JSON.stringify({ model: 'small', stream: true, max_tokens: 20, messages: [{ role: 'user', content: 'x' }] }),
  });
  t.equal(reply.status, 200);
  t.match(reply.text, /data: \{"error":\{[^\n]*"code":"stream_interrupted"/, 'an error event');
  t.notMatch(reply.text, /\[DONE\]/, 'no [DONE]');
  t.notMatch(reply.text, /at .*\.(ts|js):\d+|node:internal/, 'no stack trace');
  await oneAccessLine(t, id, 200, 'dropped mid-stream');
  const after = await settled('team');
  t.ok(after.tokens.day.used > before.tokens.day.used, 'what was streamed is charged');
});

t.test('odd shapes the classifier, the floors and the estimate read: never a 500, and the dry run agrees', async (t) => {
  const shapes: Record<string, unknown>[] = [
    { messages: [{ role: 'user', content: { text: 'hi' } }] },
    { messages: [{ role: 'user', content: [{ type: 'image_url' }] }] },
    { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: null }] }] },
    { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: 5 }] }] },
    { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 7 } }] }] },
    { messages: [{ role: 'user', content: [[{ type: 'text', text: 'hi' }]] }] },
    {
      messages: [
        { role: 'assistant', tool_calls: 'x' },
        { role: 'user', content: 'hi' },
      ],
    },
    {
      messages: [
        { role: 'tool', content: null },
        { role: 'user', content: 'hi' },
      ],
    },
    { messages: [{ role: 'system', content: 'x' }] },
    { messages: [{ role: 'user', content: 'hi', name: { a: 1 } }] },
    { messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 5 },
    { messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'HIGH' },
    { messages: [{ role: 'user', content: 'hi' }], reasoning: 'high' },
    { messages: [{ role: 'user', content: 'hi' }], reasoning: { effort: ['high'] } },
    { messages: [{ role: 'user', content: 'hi' }], text: { format: null } },
    { messages: [{ role: 'user', content: 'hi' }], text: 'json_schema' },
    { messages: [{ role: 'user', content: 'hi' }], response_format: { type: 'json_schema', json_schema: null } },
    { messages: [{ role: 'user', content: 'hi' }], guided_json: 5 },
    { messages: [{ role: 'user', content: 'hi' }], tools: [{}], tool_choice: { type: 'function' } },
    { messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: 'yes' } },
    { messages: [{ role: 'user', content: 'hi' }], __proto__: { model: 'large' } },
    { messages: [{ role: 'user', content: 'hi' }], constructor: { prototype: { polluted: true } } },
  ];
  for (const [index, shape] of shapes.entries()) {
    const body = JSON.stringify({ model: 'auto', ...shape });
    const name = `shape ${index}: ${body.slice(0, 90)}`;
    const real = await send('POST', '/v1/chat/completions', { headers: auth(), body });
    t.not(real.status, 500, `${name}: not a 500`);
    t.notMatch(real.text, /internal_error|at .*\.(ts|js):\d+/, `${name}: no internals`);
    const dry = await send('POST', '/admin/route', { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body });
    if (real.status === 200) {
      const plan = (JSON.parse(dry.text) as { plan?: { chain: { tier: string }[]; reason: string } }).plan;
      t.strictSame([real.headers['x-switchyard-tier'], real.headers['x-switchyard-reason']], [plan?.chain[0]?.tier, plan?.reason], `${name}: the dry run agrees`);
    } else {
      t.strictSame([dry.status, dry.text], [real.status, real.text], `${name}: the dry run refuses alike`);
    }
  }
  t.equal(({} as Record<string, unknown>)['polluted'], undefined, 'no prototype pollution in the test process either');
  await settled('team');
});

t.test('an output cap beyond any budget: refused as over the budget, never blamed on the budget store', async (t) => {
  const storeErrors = async () =>
    (await test.scrape())
      .split('\n')
      .filter((line) => line.startsWith('switchyard_budget_store_errors_total'))
      .join('\n');
  const before = await storeErrors();
  const huge = await send('POST', '/v1/chat/completions', { headers: auth(), body: hi({ model: 'small', max_tokens: 1e15 }) });
  t.equal(huge.status, 429, 'max_tokens 1e15: over the day budget');
  t.match(JSON.parse(huge.text), { error: { code: 'insufficient_quota' } });
  for (const [field, value] of [
    ['max_completion_tokens', Number.MAX_SAFE_INTEGER],
    ['max_tokens', 2 ** 60],
    ['max_tokens', 1e300],
  ] as const) {
    const reply = await send('POST', '/v1/chat/completions', { headers: auth(), body: hi({ model: 'small', [field]: value }) });
    t.equal(reply.status, 429, `${field} ${value}: refused as over the budget, not a 503`);
    t.notMatch(reply.text, /budget_store_unavailable/, `${field} ${value}: the store is not blamed`);
  }
  t.equal(await storeErrors(), before, 'no budget store error was counted');
  t.equal(small.requests.length, 0, 'no engine was asked');
  await settled('team');
});

t.test('the SDK aborting a stream it no longer wants: the key settles, one access line', async (t) => {
  const before = await settled('team');
  small.reply({ kind: 'stream', events: chatStreamEvents(Array.from({ length: 60 }, (_, i) => ` t${i}`)), delayMs: 15 });
  const client = new OpenAI({ baseURL: `${test.url}/v1`, apiKey: SECRET, maxRetries: 0 });
  const { data: stream, response } = await client.chat.completions
    .create({ model: 'small', stream: true, max_tokens: 80, messages: [{ role: 'user', content: 'count' }] })
    .withResponse();
  let chunks = 0;
  for await (const chunk of stream) {
    if (chunk.choices[0]?.delta.content !== undefined) chunks++;
    if (chunks === 5) stream.controller.abort();
  }
  t.equal(chunks, 5, 'the loop ended at the abort');
  await small.nextEarlyClose();
  const after = await settled('team');
  const charged = after.tokens.day.used - before.tokens.day.used;
  t.ok(charged > 0 && charged < 80, `charged for what was streamed (${charged})`);
  await oneAccessLine(t, response.headers.get('x-request-id') ?? '', 499, 'the SDK left');
});

t.test('completions and embeddings bodies: the dry run plans what /v1/completions and /v1/embeddings do', async (t) => {
  const code = 'Write a Python function that merges two sorted lists, then write unit tests for it.';
  for (const [path, body] of [
    ['/v1/completions', { model: 'auto', prompt: 'hi' }],
    ['/v1/completions', { model: 'auto', prompt: code }],
    ['/v1/completions', { model: 'auto', prompt: ['hi', code] }],
    ['/v1/embeddings', { model: 'auto', input: 'hi' }],
    ['/v1/embeddings', { model: 'auto', input: [code] }],
  ] as const) {
    // Each engine answers in the shape of the endpoint asked (only one of the two is asked): an answer
    // queued on the other would be left for the next request, whose endpoint it may not fit.
    const answer: Behaviour =
      path === '/v1/embeddings'
        ? { kind: 'json', body: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0, 1] }], model: 'e', usage: { prompt_tokens: 1, total_tokens: 1 } } }
        : {
            kind: 'json',
            body: {
              id: 'cmpl',
              object: 'text_completion',
              created: 1,
              model: 'm',
              choices: [{ index: 0, text: 'ok', finish_reason: 'stop' }],
              usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
            },
          };
    for (const engine of [small, large]) engine.respond = () => answer;
    const real = await send('POST', path, { headers: auth(), body: JSON.stringify(body) });
    const dry = await send('POST', '/admin/route', { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const plan = (JSON.parse(dry.text) as { plan: { chain: { tier: string }[]; reason: string } }).plan;
    t.equal(real.status, 200, `${path} ${JSON.stringify(body).slice(0, 60)}: served`);
    t.strictSame(
      [real.headers['x-switchyard-tier'], real.headers['x-switchyard-reason']],
      [plan.chain[0]?.tier, plan.reason],
      `${path} ${JSON.stringify(body).slice(0, 60)}: the dry run agrees`,
    );
  }
  small.requests.length = 0;
  large.requests.length = 0;
  // Engines' queued replies not taken are dropped with the next test's beforeEach (respond is reset, the queue is not): drain it.
  await settled('team');
});

t.test('a body sent gzip-compressed is refused precisely, not read as broken UTF-8', async (t) => {
  const { gzipSync } = await import('node:zlib');
  const reply = await send('POST', '/v1/chat/completions', { headers: { ...auth(), 'content-encoding': 'gzip' }, body: gzipSync(hi()) });
  isError(t, reply, 415, 'unsupported_media_type', "Unsupported content encoding 'gzip': send the JSON body uncompressed.", 'gzip body');
  t.equal(small.requests.length + large.requests.length, 0, 'no engine was asked');
});

t.test('a body sent with a gzip transfer coding is refused as a compressed one is, not read as broken JSON', async (t) => {
  const { gzipSync } = await import('node:zlib');
  const zipped = gzipSync(hi());
  const text = await rawExchange([
    `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${SECRET}\r\ncontent-type: application/json\r\ntransfer-encoding: gzip, chunked\r\nconnection: close\r\n\r\n`,
    `${zipped.length.toString(16)}\r\n`,
    zipped,
    '\r\n0\r\n\r\n',
  ]);
  t.match(text, /^HTTP\/1\.1 415 /);
  t.match(text, /Unsupported transfer coding 'gzip': send the JSON body uncompressed\./);
  t.equal(small.requests.length + large.requests.length, 0, 'no engine was asked');
});

t.test('concurrent streams near a token budget, half of them abandoned: never overspent, everything settles', async (t) => {
  small.respond = (request) => {
    const cap = Number(request.body?.['max_tokens'] ?? 0);
    const words = Array.from({ length: cap }, (_, i) => ` w${i}`);
    return { kind: 'stream', events: chatStreamEvents(words, { prompt_tokens: 20, completion_tokens: cap }), delayMs: 5 };
  };
  const body = JSON.stringify({ model: 'small', stream: true, max_tokens: 40, messages: [{ role: 'user', content: 'hi' }] });
  const outcomes = await Promise.all(
    Array.from({ length: 16 }, (_, index) => {
      const id = nextId();
      return new Promise<{ id: string; status: number; left: boolean }>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port });
        let text = '';
        let left = false;
        socket.setEncoding('utf8');
        socket.on('error', () => {});
        socket.on('data', (chunk: string) => {
          text += chunk;
          if (index % 2 === 0 && !left && (text.match(/"content":" w/g) ?? []).length >= 3) {
            left = true;
            socket.destroy();
          }
        });
        socket.once('close', () => resolve({ id, status: Number(text.split(' ')[1]), left }));
        socket.write(`${postHead(id, `Content-Length: ${body.length}\r\nConnection: close`, STREAMS)}${body}`);
      });
    }),
  );
  const served = outcomes.filter((outcome) => outcome.status === 200);
  t.ok(served.length >= 2, `some were served (${served.length})`);
  t.strictSame(
    outcomes.filter((outcome) => outcome.status !== 200 && outcome.status !== 429).map((outcome) => outcome.status),
    [],
    'the others are 429s',
  );
  for (const outcome of outcomes) await oneAccessLine(t, outcome.id, outcome.left ? 499 : outcome.status, `${outcome.id}${outcome.left ? ' (left)' : ''}`);
  const after = await settled('streams');
  t.ok(after.tokens.day.used <= 600, `never past the limit (${after.tokens.day.used} of 600)`);
  const finished = served.filter((outcome) => !outcome.left).length;
  t.ok(after.tokens.day.used >= finished * 60, `every finished stream charged its usage (${finished} × 60 ≤ ${after.tokens.day.used})`);
});

t.test('what the engine receives is what the router read: spellings of the fields it rewrites', async (t) => {
  // Each body is sent as written; JSON.parse reads it as the engine's parser (Python's json) does: escapes
  // decoded, the last of duplicated keys. The engine must get that reading with only the model (and, for a
  // stream, stream_options.include_usage) replaced, whatever the spelling.
  const bodies = [
    '{"model":"small","max_tokens":5,"messages":[{"role":"user","content":"\\"model\\": \\"large\\""}]}',
    '{ "model" : "small" , "max_tokens" : 5 , "messages" : [ { "role" : "user" , "content" : "hi" } ] }',
    '{"mod\\u0065l":"small","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}',
    '{"model":"auto","mod\\u0065l":"small","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}',
    '{"metadata":{"model":"large"},"model":"small","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}',
    '{"messages":[{"role":"user","content":"hi"}],"max_tokens":5,"model":"small"}',
    '{"model":"sm\\u0061ll","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}',
    '{"model":"small","max_tok\\u0065ns":5,"messages":[{"role":"user","content":"hi"}]}',
    '{"model":"small","max_tokens":5,"max_tokens":6,"messages":[{"role":"user","content":"hi"}]}',
    '{"model":"small","max_tokens":5,"stream":true,"stream_options":{"include_usage":false},"messages":[{"role":"user","content":"hi"}]}',
    '{"model":"small","max_tokens":5,"stream":true,"stream_\\u006fptions":{"include_usage":false},"messages":[{"role":"user","content":"hi"}]}',
    '{"model":"small","max_tokens":5,"stream":false,"stream":true,"messages":[{"role":"user","content":"hi"}]}',
    '{"model":"small","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"__proto__":{"x":1}}',
    '\n\t {"model":"small","max_tokens":5,"messages":[{"role":"user","content":"\\u2028hi\\ud83d\\ude00"}]}\n',
  ];
  for (const text of bodies) {
    const before = small.requests.length;
    const reply = await send('POST', '/v1/chat/completions', { headers: auth(), body: text });
    t.equal(reply.status, 200, `${text}: served`);
    const read = JSON.parse(text) as Record<string, unknown>;
    const expected: Record<string, unknown> = { ...read, model: 'served-small' };
    if (read['stream'] === true) expected['stream_options'] = { ...(read['stream_options'] as object | undefined), include_usage: true };
    const received = small.requests[before];
    t.strictSame(received === undefined ? null : (JSON.parse(received.text) as unknown), expected, `${text}: the engine got the router's reading`);
  }
  await settled('team');
});

t.test('a key reset while its requests are in flight: the counters never go negative, the budget still holds', async (t) => {
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  await fetch(`${test.url}/admin/keys/streams/reset`, { method: 'POST', headers: admin });
  small.respond = () => ({
    kind: 'stream',
    events: chatStreamEvents(
      Array.from({ length: 30 }, (_, i) => ` w${i}`),
      { prompt_tokens: 20, completion_tokens: 30 },
    ),
    delayMs: 10,
  });
  const body = JSON.stringify({ model: 'small', stream: true, max_tokens: 30, messages: [{ role: 'user', content: 'hi' }] });
  const inFlight = Promise.all([1, 2, 3].map(() => send('POST', '/v1/chat/completions', { headers: auth(STREAMS), body })));
  await waitFor('the streams to start', async () => small.requests.length >= 3);
  const reset = await fetch(`${test.url}/admin/keys/streams/reset`, { method: 'POST', headers: admin });
  t.equal(reset.status, 200, 'reset mid-flight');
  const replies = await inFlight;
  t.strictSame(
    replies.map((reply) => reply.status),
    [200, 200, 200],
  );
  const after = await settled('streams');
  t.ok(after.tokens.day.used >= 0, `used is not negative (${after.tokens.day.used})`);
  // The budget still holds: spend it to the end and count.
  small.respond = (request) => {
    const cap = Number(request.body?.['max_tokens'] ?? 0);
    return {
      kind: 'json',
      body: {
        id: 'c',
        object: 'chat.completion',
        created: 1,
        model: 'm',
        choices: [{ index: 0, message: { role: 'assistant', content: 'x' }, finish_reason: 'length' }],
        usage: { prompt_tokens: 20, completion_tokens: cap, total_tokens: 20 + cap },
      },
    };
  };
  const spend = JSON.stringify({ model: 'small', max_tokens: 60, messages: [{ role: 'user', content: 'hi' }] });
  for (let i = 0; i < 20; i++) await send('POST', '/v1/chat/completions', { headers: auth(STREAMS), body: spend });
  const spent = await settled('streams');
  t.ok(spent.tokens.day.used <= 600, `never past the limit after a reset in flight (${spent.tokens.day.used} of 600)`);
});

t.test('models named like object internals, lone surrogates and NULs: a precise 404, never a 500', async (t) => {
  for (const model of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'a\u0000b', '\ud800', 'auto ', ' auto', 'AUTO']) {
    const reply = await send('POST', '/v1/chat/completions', { headers: auth(), body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }) });
    isError(t, reply, 404, 'model_not_found', `The model \`${model}\` does not exist. Known models: auto, small.`, JSON.stringify(model));
  }
  const lone = await send('POST', '/v1/chat/completions', {
    headers: auth(),
    body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi \ud800 there \udfff' }] }),
  });
  t.equal(lone.status, 200, 'lone surrogates in the content: served');
  t.equal(small.requests.length + large.requests.length, 1, 'only that one reached an engine');
});

t.test('what node:http would answer bare is answered in the envelope: an Expect it cannot meet (417), HTTP/1.1 without Host (400)', async (t) => {
  const exchange = (head: string) => rawExchange([`${head}content-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}`]);
  const expect = await exchange(`POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nexpect: 200-ok\r\n`);
  t.match(expect, /^HTTP\/1\.1 417 /);
  t.match(expect, /\r\ncontent-type: application\/json/i);
  t.match(expect, /"code":"expectation_failed"/);
  const hostless = await exchange(`POST /v1/chat/completions HTTP/1.1\r\n`);
  t.match(hostless, /^HTTP\/1\.1 400 /);
  t.match(hostless, /"code":"bad_request"/);
  t.match(hostless, /Host header/);
});
