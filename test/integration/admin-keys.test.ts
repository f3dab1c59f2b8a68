// The admin API for client keys, on a real router with a memory store: a created key's secret is
// shown once and works with the official SDK; its usage, limits, disabling, reset and deletion take
// effect on its next request; bodies are validated with exact errors; router.yaml keys are read-only.
import { jsonError } from '../fixtures/json-error.js';
import t from 'tap';
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import { echoCompletion, startFakeEngine } from '../fixtures/fake-engine.js';
import { configFor, startTestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN, waitFor } from '../fixtures/wait.js';

const engine = await startFakeEngine();
const DECLARED_SECRET = 'sy-declared-in-router-yaml-for-admin-tests';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const base = configFor({ chat: [engine.url] });
const declared = { id: 'gitops', name: 'GitOps key', hash: sha256(DECLARED_SECRET), prefix: DECLARED_SECRET.slice(0, 8), limits: { tokensPerDay: 1000 } };
const test = await startTestRouter({ ...base, auth: { required: true, keys: [declared] } }, { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
t.teardown(async () => {
  await test.close();
  await engine.close();
});
t.beforeEach(() => {
  engine.respond = null;
});

type Body = Record<string, unknown>;
interface KeyView extends Body {
  id: string;
  createdAt: string;
}
interface Created {
  key: KeyView;
  secret: string;
}
interface Usage {
  tokens: Record<string, { limit: number | null; used: number; reserved: number; remaining: number | null; resetAt: string | null }>;
  requests: { limit: number | null; used: number; remaining: number | null; resetAt: string };
  concurrency: { limit: number | null; active: number; remaining: number | null };
}

async function admin(method: string, path: string, body?: unknown, token: string | null = ADMIN_TOKEN) {
  const res = await fetch(`${test.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: JSON.parse(text) as Body };
}

async function createKey(body: Body): Promise<Created> {
  const res = await admin('POST', '/admin/keys', body);
  if (res.status !== 201) throw new Error(`create answered ${res.status}: ${res.text}`);
  return res.body as unknown as Created;
}

async function usageOf(id: string): Promise<Usage> {
  return (await admin('GET', `/admin/keys/${id}`)).body['usage'] as Usage;
}

/** A chat request as a plain fetch, to see exact error bodies and headers. */
async function chat(secret: string, extra: Body = {}) {
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5, ...extra }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Body };
}

/**
 * Requests until one is refused (at most `max`). A limit that should refuse the Nth request may let
 * one more through when a calendar minute ends in between; the refusal must still come.
 */
async function untilRefused(secret: string, max = 3) {
  const accepted = [];
  for (let i = 0; i < max; i++) {
    const res = await chat(secret);
    if (res.status !== 200) return { accepted, refused: res };
    accepted.push(res);
  }
  throw new Error(`no request was refused in ${max}`);
}

/** Node's own message for unparseable JSON (it differs between Node versions). */

const envelope = (message: string, type: string, code: string | null, param: string | null = null) => ({ error: { message, type, param, code } });
const NO_LIMITS = {
  tokensPerMinute: null,
  tokensPerDay: null,
  tokensPerMonth: null,
  tokensLifetime: null,
  requestsPerMinute: null,
  maxConcurrent: null,
  usdPerDay: null,
  usdPerMonth: null,
  usdLifetime: null,
};

t.test('the admin token is required', async (t) => {
  for (const token of [null, 'wrong-token']) {
    const res = await admin('GET', '/admin/keys', undefined, token);
    t.equal(res.status, 401);
    t.equal(res.headers.get('www-authenticate'), 'Bearer');
    t.same(res.body, envelope('A valid admin token is required (Authorization: Bearer <SWITCHYARD_ADMIN_TOKEN>).', 'authentication_error', 'invalid_admin_token'));
  }
  const res = await admin('POST', '/admin/keys', { name: 'sneaky' }, 'wrong-token');
  t.equal(res.status, 401, 'nothing is created without the token');
  t.notOk((await admin('GET', '/admin/keys')).text.includes('sneaky'));
});

t.test('an admin token no client could send (a newline from a secret file, a space, non-ASCII) is refused at start', async (t) => {
  // Bearer tokens are trimmed and headers are Latin-1: such a token would make every admin call a 401, silently.
  for (const [token, said] of [
    ['tok-0123456789abcdef\n', 'a control character'],
    ['tok 0123456789abcdef', 'a space'],
    ['pässwort-0123456789abcdef', 'a character outside visible ASCII'],
  ] as const) {
    await t.rejects(startTestRouter(base, { ...process.env, SWITCHYARD_ADMIN_TOKEN: token }), { message: `SWITCHYARD_ADMIN_TOKEN holds ${said}` }, JSON.stringify(token));
  }
});

t.test('a created key: secret shown once, usable with the SDK, usage as the engine reported it', async (t) => {
  const created = await admin('POST', '/admin/keys', { name: 'team-a', metadata: { team: 'a' } });
  t.equal(created.status, 201);
  t.equal(created.headers.get('cache-control'), 'no-store', 'the answer with the secret is kept by no cache');
  const { key, secret } = created.body as unknown as Created;
  t.match(key.id, /^key_[A-Za-z0-9_-]{12}$/);
  t.match(secret, /^sy-[A-Za-z0-9_-]{43}$/);
  t.ok(Math.abs(Date.parse(key.createdAt) - Date.now()) < 60_000, 'createdAt is now');
  const record = {
    id: key.id,
    name: 'team-a',
    prefix: secret.slice(0, 8),
    enabled: true,
    models: null,
    tiers: null,
    maxTokensPerRequest: null,
    limits: NO_LIMITS,
    metadata: { team: 'a' },
    createdAt: key.createdAt,
    source: 'admin',
  };
  t.same(created.body, { key: record, secret });
  t.strictSame(Object.keys(key), Object.keys(record), 'exactly these fields, no hash');

  const list = await admin('GET', '/admin/keys');
  t.equal(list.status, 200);
  t.same(list.body['object'], 'list');
  t.same(
    (list.body['data'] as KeyView[]).find((item) => item.id === key.id),
    record,
  );
  t.notOk(list.text.includes(secret), 'the secret is never shown again');
  t.notOk(list.text.includes(sha256(secret)), 'nor its hash');

  const client = new OpenAI({ baseURL: `${test.url}/v1`, apiKey: secret, maxRetries: 0 });
  const started = Date.now();
  const completion = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 });
  const total = completion.usage?.total_tokens ?? -1;
  t.equal(total, 10);
  // The settle runs after the response is sent: wait for it, then read the whole usage.
  const usage = await waitFor('the settle', async () => {
    const current = await usageOf(key.id);
    return current.tokens['lifetime']?.used === total ? current : null;
  });
  const read = await admin('GET', `/admin/keys/${key.id}`);
  t.same(read.body, { ...record, usage }, 'the record plus its usage');
  const period = (used: number) => ({ limit: null, used, reserved: 0, remaining: null, resetAt: String });
  if (Math.floor(started / 60_000) === Math.floor(Date.now() / 60_000)) {
    t.match(usage, {
      tokens: { minute: period(total), day: period(total), month: period(total), lifetime: { ...period(total), resetAt: null } },
      requests: { limit: null, used: 1, remaining: null, resetAt: String },
      concurrency: { limit: null, active: 0, remaining: null },
    });
    t.strictSame(Object.keys(usage.tokens), ['minute', 'day', 'month', 'lifetime']);
    t.ok(Date.parse(usage.requests.resetAt) > started, 'the minute resets in the future');
  }
});

t.test('disabling a key refuses its next request; enabling lets it back', async (t) => {
  const { key, secret } = await createKey({ name: 'to-disable' });
  t.equal((await chat(secret)).status, 200, 'the key works (and is now in the lookup cache)');
  const patched = await admin('PATCH', `/admin/keys/${key.id}`, { enabled: false });
  t.equal(patched.status, 200);
  t.same(patched.body, { ...key, enabled: false });
  const refused = await chat(secret);
  t.equal(refused.status, 403);
  t.same(refused.body, envelope('This API key is disabled.', 'permission_error', 'key_disabled'));
  await t.rejects(
    new OpenAI({ baseURL: `${test.url}/v1`, apiKey: secret, maxRetries: 0 }).chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
    { status: 403, code: 'key_disabled' },
  );
  t.equal((await admin('PATCH', `/admin/keys/${key.id}`, { enabled: true })).status, 200);
  t.equal((await chat(secret)).status, 200);
});

t.test('limits: merged per limit, enforced on the next request, reset by POST …/reset', async (t) => {
  const { key, secret } = await createKey({ name: 'limited', limits: { tokensPerMonth: 100000 } });
  const patched = await admin('PATCH', `/admin/keys/${key.id}`, { limits: { requestsPerMinute: 1 } });
  t.same(patched.body['limits'], { ...NO_LIMITS, tokensPerMonth: 100000, requestsPerMinute: 1 }, 'an omitted limit is kept');

  const { accepted, refused } = await untilRefused(secret);
  t.equal(accepted.at(-1)?.headers.get('x-ratelimit-limit-requests'), '1');
  t.equal(accepted.at(-1)?.headers.get('x-ratelimit-remaining-requests'), '0');
  t.equal(refused.status, 429);
  const seconds = Number(refused.headers.get('retry-after'));
  t.ok(Number.isInteger(seconds) && seconds >= 1 && seconds <= 60, `retry-after ${seconds}s, within the minute`);
  // OpenAI sends its rate-limit headers on the 429 as well; the budget code sets them only on success.
  t.equal(refused.headers.get('x-ratelimit-remaining-requests'), '0', 'x-ratelimit-* on the 429');
  t.equal(refused.headers.get('x-ratelimit-limit-requests'), '1');
  t.same(refused.body, envelope(`Rate limit reached for requests per minute: limit 1. Please try again in ${seconds}s.`, 'requests', 'rate_limit_exceeded'));

  const quota = await admin('PATCH', `/admin/keys/${key.id}`, { limits: { requestsPerMinute: null, tokensPerMonth: null, tokensPerDay: 100 } });
  t.same(quota.body['limits'], { ...NO_LIMITS, tokensPerDay: 100 }, 'a limit set to null is unlimited');
  const reset = await admin('POST', `/admin/keys/${key.id}/reset`);
  t.equal(reset.status, 200);
  t.match(reset.body, { ...quota.body, usage: { tokens: { day: { limit: 100, used: 0, reserved: 0, remaining: 100 }, lifetime: { used: 0 } }, requests: { used: 0 } } });

  // One request the engine says cost 100 tokens spends the day's budget.
  engine.respond = (request) => ({ kind: 'json', body: echoCompletion(request.body, { prompt_tokens: 60, completion_tokens: 40 }) });
  t.equal((await chat(secret)).status, 200);
  await waitFor('the settle', async () => (await usageOf(key.id)).tokens['day']?.used === 100);
  const spent = await untilRefused(secret);
  t.equal(spent.refused.status, 429);
  t.equal(spent.refused.headers.get('x-should-retry'), 'false');
  t.same(spent.refused.body, envelope("You exceeded this key's day token budget of 100.", 'insufficient_quota', 'insufficient_quota'));

  const fresh = await admin('POST', `/admin/keys/${key.id}/reset`);
  t.match(fresh.body, { usage: { tokens: { day: { used: 0, reserved: 0, remaining: 100 }, lifetime: { used: 0 } } } });
  t.same((await usageOf(key.id)).tokens['day'], (fresh.body['usage'] as Usage).tokens['day'], 'GET shows the reset too');
  t.equal((await chat(secret)).status, 200, 'requests are allowed again');
});

t.test('a deleted key stops working at once', async (t) => {
  const { key, secret } = await createKey({ name: 'short-lived' });
  t.equal((await chat(secret)).status, 200);
  const series = new RegExp(`^switchyard_key_[a-z_]+\\{key="${key.id}"`, 'm');
  t.match(await test.scrape(), series, 'its requests are counted per key');
  const deleted = await admin('DELETE', `/admin/keys/${key.id}`);
  t.equal(deleted.status, 200);
  t.notMatch(await test.scrape(), series, 'and its series leave the scrape with it: deleted keys do not grow it without bound');
  t.same(deleted.body, { id: key.id, deleted: true });
  const refused = await chat(secret);
  t.equal(refused.status, 401);
  t.same(refused.body, envelope(`Incorrect API key provided: ${secret.slice(0, 6)}***${secret.slice(-2)}.`, 'invalid_request_error', 'invalid_api_key'));
  const notFound = envelope(`No key with id "${key.id}".`, 'invalid_request_error', 'key_not_found');
  for (const [method, path] of [
    ['GET', ''],
    ['PATCH', ''],
    ['DELETE', ''],
    ['POST', '/reset'],
  ] as const) {
    const res = await admin(method, `/admin/keys/${key.id}${path}`, method === 'PATCH' ? { name: 'x' } : undefined);
    t.equal(res.status, 404, `${method} ${path}`);
    t.same(res.body, notFound);
  }
});

t.test('bodies are validated, with the field at fault in param', async (t) => {
  const invalid = (message: string, param: string | null) => envelope(message, 'invalid_request_error', 'invalid_request', param);
  const { key } = await createKey({ id: 'taken', name: 'taken' });
  const before = (await admin('GET', '/admin/keys')).text;
  const cases: [string, string, string, unknown, number, unknown][] = [
    ['unknown field', 'POST', '/admin/keys', { name: 'x', colour: 'red' }, 400, invalid("Unrecognized request argument supplied: 'colour'.", 'colour')],
    [
      'unknown limit',
      'POST',
      '/admin/keys',
      { name: 'x', limits: { tokensPerYear: 5 } },
      400,
      invalid("Unrecognized request argument supplied: 'limits.tokensPerYear'.", 'limits.tokensPerYear'),
    ],
    ['missing name', 'POST', '/admin/keys', {}, 400, invalid("Missing required parameter: 'name'.", 'name')],
    ['wrong type', 'POST', '/admin/keys', { name: 5 }, 400, invalid("Invalid type for 'name': expected a string, got number 5.", 'name')],
    [
      'limit 0',
      'POST',
      '/admin/keys',
      { name: 'x', limits: { tokensPerDay: 0 } },
      400,
      invalid("Invalid value for 'limits.tokensPerDay': expected an integer from 1 to 9007199254740991 or null, got number 0.", 'limits.tokensPerDay'),
    ],
    [
      'a limit no counter holds exactly (2^53)',
      'POST',
      '/admin/keys',
      { name: 'x', limits: { tokensLifetime: 9007199254740992 } },
      400,
      invalid("Invalid value for 'limits.tokensLifetime': expected an integer from 1 to 9007199254740991 or null, got number 9007199254740992.", 'limits.tokensLifetime'),
    ],
    [
      'a dollar limit under a nano-USD (it would round to a budget of nothing)',
      'POST',
      '/admin/keys',
      { name: 'x', limits: { usdPerDay: 1e-10 } },
      400,
      invalid("Invalid value for 'limits.usdPerDay': expected a number from 1e-9 to 9000000 or null, got number 1e-10.", 'limits.usdPerDay'),
    ],
    [
      'fractional limit',
      'POST',
      '/admin/keys',
      { name: 'x', maxTokensPerRequest: 1.5 },
      400,
      invalid("Invalid type for 'maxTokensPerRequest': expected an integer from 1 to 9007199254740991 or null, got number 1.5.", 'maxTokensPerRequest'),
    ],
    [
      'models not a list',
      'POST',
      '/admin/keys',
      { name: 'x', models: 'chat' },
      400,
      invalid("Invalid type for 'models': expected an array of strings or null, got a string.", 'models'),
    ],
    [
      'metadata value not a string',
      'POST',
      '/admin/keys',
      { name: 'x', metadata: { team: 1 } },
      400,
      invalid("Invalid type for 'metadata.team': expected a string, got number 1.", 'metadata.team'),
    ],
    [
      'a name past its bound (every router keeps every key in memory)',
      'POST',
      '/admin/keys',
      { name: 'n'.repeat(257) },
      400,
      invalid("Invalid value for 'name': must be at most 256 characters, got 257.", 'name'),
    ],
    [
      'metadata past its bounds',
      'POST',
      '/admin/keys',
      { name: 'x', metadata: { ...Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, 'v'])), ['k'.repeat(65)]: 'v'.repeat(513) } },
      400,
      invalid(
        "Invalid value for 'metadata': must have at most 64 entries. Invalid value for 'metadata': names must be at most 64 characters, got one of 65. " +
          `Invalid value for 'metadata.${'k'.repeat(65)}': must be at most 512 characters, got 513.`,
        'metadata',
      ),
    ],
    ['a model listed twice', 'POST', '/admin/keys', { name: 'x', models: ['chat', 'chat'] }, 400, invalid("Invalid value for 'models': entries 0 and 1 are the same.", 'models')],
    ['unknown model alias', 'POST', '/admin/keys', { name: 'x', models: ['chat', 'nope'] }, 400, invalid('Unknown model alias "nope" in \'models\' (known: chat).', 'models[1]')],
    ['unknown tier', 'POST', '/admin/keys', { name: 'x', tiers: ['huge'] }, 400, invalid('Unknown tier "huge" in \'tiers\' (known: chat).', 'tiers[0]')],
    ['bad id', 'POST', '/admin/keys', { name: 'x', id: 'a b' }, 400, invalid('Invalid value for \'id\': must be 1 to 64 letters, digits, "_" or "-", got a string.', 'id')],
    [
      'every problem at once',
      'POST',
      '/admin/keys',
      { name: '', enabled: 'yes' },
      400,
      invalid("Invalid value for 'name': must not be empty. Invalid type for 'enabled': expected a boolean, got a string.", 'name'),
    ],
    ['not an object', 'POST', '/admin/keys', [], 400, invalid('The request body must be a JSON object.', null)],
    [
      'invalid JSON',
      'POST',
      '/admin/keys',
      '{"name": ',
      400,
      envelope(`We could not parse the JSON body of your request (${jsonError('{"name": ')}).`, 'invalid_request_error', 'invalid_json'),
    ],
    ['duplicate id', 'POST', '/admin/keys', { id: 'taken', name: 'again' }, 409, envelope('A key with id "taken" already exists.', 'invalid_request_error', 'key_exists', 'id')],
    ['id is not editable', 'PATCH', `/admin/keys/${key.id}`, { id: 'other' }, 400, invalid("Unrecognized request argument supplied: 'id'.", 'id')],
    ['hash is not editable', 'PATCH', `/admin/keys/${key.id}`, { hash: sha256('mine') }, 400, invalid("Unrecognized request argument supplied: 'hash'.", 'hash')],
    ['patch with an unknown tier', 'PATCH', `/admin/keys/${key.id}`, { tiers: ['chat', 'huge'] }, 400, invalid('Unknown tier "huge" in \'tiers\' (known: chat).', 'tiers[1]')],
    ['unknown id', 'PATCH', '/admin/keys/nobody', { name: 'x' }, 404, envelope('No key with id "nobody".', 'invalid_request_error', 'key_not_found')],
    [
      'a long unknown id, clipped where it is repeated',
      'GET',
      `/admin/keys/${'k'.repeat(300)}`,
      undefined,
      404,
      envelope(`No key with id "${'k'.repeat(256)}…(44 more characters)".`, 'invalid_request_error', 'key_not_found'),
    ],
    ['id that cannot exist', 'GET', `/admin/keys/${encodeURIComponent('{a}')}`, undefined, 404, envelope('No key with id "{a}".', 'invalid_request_error', 'key_not_found')],
  ];
  for (const [name, method, path, body, status, expected] of cases) {
    const res = await admin(method, path, body);
    t.equal(res.status, status, name);
    t.same(res.body, expected, name);
  }
  t.equal((await admin('GET', '/admin/keys')).text, before, 'no refused request changed any key');
});

t.test('a key declared in router.yaml works and is read-only here', async (t) => {
  const client = new OpenAI({ baseURL: `${test.url}/v1`, apiKey: DECLARED_SECRET, maxRetries: 0 });
  const completion = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 });
  t.equal(completion.usage?.total_tokens, 10);
  const read = await admin('GET', '/admin/keys/gitops');
  t.match(read.body, {
    id: 'gitops',
    name: 'GitOps key',
    prefix: DECLARED_SECRET.slice(0, 8),
    source: 'config',
    limits: { ...NO_LIMITS, tokensPerDay: 1000 },
    usage: { tokens: { day: { limit: 1000 } } },
  });
  t.notOk('hash' in read.body);
  const readOnly = envelope(
    'The key "gitops" is declared in router.yaml and is read-only here: edit auth.keys in router.yaml, then reload.',
    'invalid_request_error',
    'key_read_only',
  );
  for (const [method, body] of [
    ['PATCH', { enabled: false }],
    ['DELETE', undefined],
  ] as const) {
    const res = await admin(method, '/admin/keys/gitops', body);
    t.equal(res.status, 409, method);
    t.same(res.body, readOnly, method);
  }
  t.equal((await admin('POST', '/admin/keys/gitops/reset')).status, 200, 'its usage may be reset');
  t.equal((await chat(DECLARED_SECRET)).status, 200, 'and it still works');
});

t.test('without budgets the keys API is off like the rest of the admin API', async (t) => {
  const open = await startTestRouter(base, { ...process.env, SWITCHYARD_ADMIN_TOKEN: '' });
  t.teardown(() => open.close());
  const res = await fetch(`${open.url}/admin/keys`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  t.equal(res.status, 403);
  t.same(await res.json(), envelope('The admin API is disabled: set SWITCHYARD_ADMIN_TOKEN to enable it.', 'permission_error', 'admin_disabled'));
});
