// Complexity routing end to end: `auto` sends a simple and a complex request to different pools and
// says why in headers; clients pin tiers only where allowed; the admin dry run; and the embeddings
// and llm modes, including their fallbacks to the heuristic.
import { freePort } from '../fixtures/free-port.js';
import t, { type Test } from 'tap';
import { startFakeEngine, type Behaviour } from '../fixtures/fake-engine.js';
import { startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN } from '../fixtures/wait.js';

const [small, large, helper] = await Promise.all([startFakeEngine(), startFakeEngine(), startFakeEngine()]);
t.teardown(() => Promise.all([small.close(), large.close(), helper.close()]));
const deadUrl = `http://127.0.0.1:${await freePort()}`;

const SIMPLE = 'hi there!';
const COMPLEX =
  'Write a Python function that parses a CSV file, validates every row against a schema, and returns the invalid rows. ' +
  'First explain the approach step by step, then give the code, then write unit tests for it:\n\n```python\ndef parse(path):\n    ...\n```';

const pool = (name: string, url: string) => ({
  engine: 'vllm',
  servedModel: `served-${name}`,
  healthCheck: { intervalMs: 0 },
  engineMetrics: { intervalMs: 0 },
  replicas: [{ name: `${name}-r0`, url }],
});

/** The heuristic unless a test names another mode: these tests are about its decisions and the modes' plumbing. */
function config(classifier: Record<string, unknown> = { mode: 'heuristic' }, helperUrl = helper.url) {
  return {
    logging: { level: 'info' },
    classifier,
    models: {
      auto: { tiers: ['small', 'large'], classify: true, route: { simple: 'small', moderate: 'small', complex: 'large' } },
      pinnable: { tiers: ['small', 'large'], classify: true, allowTierHeader: true },
      fixed: { tiers: ['small'] },
    },
    tiers: { small: { pools: ['small'] }, large: { pools: ['large'] }, helper: { pools: ['helper'] } },
    pools: { small: pool('small', small.url), large: pool('large', large.url), helper: pool('helper', helperUrl) },
  };
}

async function router(tt: Test, cfg: unknown): Promise<TestRouter> {
  const test = await startTestRouter(cfg, { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
  tt.teardown(() => test.close());
  return test;
}

async function ask(test: TestRouter, content: string, model = 'auto', headers: Record<string, string> = {}) {
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
  });
  const body = (await res.json()) as Record<string, unknown>;
  return {
    status: res.status,
    body,
    pool: res.headers.get('x-switchyard-pool'),
    tier: res.headers.get('x-switchyard-tier'),
    complexity: res.headers.get('x-switchyard-complexity'),
    reason: res.headers.get('x-switchyard-reason'),
  };
}

t.test('auto: a simple and a complex request land on different pools, and the headers say why', async (t) => {
  const test = await router(t, config());
  const easy = await ask(test, SIMPLE);
  t.match(easy, { status: 200, pool: 'small', tier: 'small', complexity: 'simple' });
  t.match(easy.reason, /^simple: [a-z+-]+$/);
  const hard = await ask(test, COMPLEX);
  t.match(hard, { status: 200, pool: 'large', tier: 'large', complexity: 'complex' });
  t.match(hard.reason, /^complex: .*code/);
  t.equal(large.requests.at(-1)?.body?.['model'], 'served-large');
  const log = test.requestLogs().at(-1);
  t.match(log, { complexity: 'complex', tier: 'large', reason: hard.reason });
  const fixed = await ask(test, COMPLEX, 'fixed');
  t.match(fixed, { status: 200, tier: 'small', complexity: null, reason: 'fixed: small' }, 'fixed aliases are not classified');
});

t.test('a client pins a tier only where router.yaml allows it', async (t) => {
  const test = await router(t, config());
  const pinned = await ask(test, SIMPLE, 'pinnable', { 'x-switchyard-tier': 'large' });
  t.match(pinned, { status: 200, tier: 'large', reason: 'pinned: large' });
  const refused = await ask(test, SIMPLE, 'auto', { 'x-switchyard-tier': 'large' });
  t.equal(refused.status, 400);
  t.same(refused.body, {
    error: { message: 'The x-switchyard-tier header is not allowed for model `auto`.', type: 'invalid_request_error', param: null, code: 'invalid_request' },
  });
  const unknown = await ask(test, SIMPLE, 'pinnable', { 'x-switchyard-tier': 'helper' });
  t.equal(unknown.status, 400);
  t.same(unknown.body, {
    error: {
      message: "Tier `helper` is not one of model `pinnable`'s tiers (small, large).",
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_request',
    },
  });
});

t.test('POST /admin/route answers the decision without forwarding anything', async (t) => {
  const test = await router(t, config());
  const before = small.requests.length + large.requests.length;
  const res = await fetch(`${test.url}/admin/route`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: COMPLEX }] }),
  });
  t.equal(res.status, 200);
  const decision = (await res.json()) as Record<string, unknown>;
  t.match(decision, { model: 'auto', complexity: 'complex', tier: 'large', pools: [{ tier: 'large', pool: 'large' }] });
  t.type(decision['score'], 'number');
  t.ok(Array.isArray(decision['reasons']) && (decision['reasons'] as string[]).includes('code'));
  t.equal(decision['reason'], `complex: ${(decision['reasons'] as string[]).join('+')}`);
  t.strictSame(
    decision['plan'],
    { alias: 'auto', complexity: 'complex', reasons: decision['reasons'], reason: decision['reason'], chain: [{ tier: 'large', pools: ['large'] }], caps: null, reservation: null },
    'the plan traffic would follow, by names (anonymous: no caps, nothing reserved)',
  );
  const pinned = await fetch(`${test.url}/admin/route`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-switchyard-tier': 'large' },
    body: JSON.stringify({ model: 'pinnable', messages: [{ role: 'user', content: SIMPLE }] }),
  });
  t.match(await pinned.json(), {
    model: 'pinnable',
    complexity: null,
    score: null,
    tier: 'large',
    reason: 'pinned: large',
    plan: { chain: [{ tier: 'large', pools: ['large'] }] },
  });
  t.equal(small.requests.length + large.requests.length, before, 'nothing was forwarded');
  const unknown = await fetch(`${test.url}/admin/route`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
  });
  t.equal(unknown.status, 404);
  const noToken = await fetch(`${test.url}/admin/route`, { method: 'POST', body: '{}' });
  t.equal(noToken.status, 401);
});

t.test('POST /admin/route?api=responses|messages reads the body as that API sends it', async (t) => {
  const test = await router(t, config());
  const route = async (api: string, body: unknown) => {
    const res = await fetch(`${test.url}/admin/route?api=${api}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  // The same conversation and output cap in each API's terms.
  const chat = await route('chat', { model: 'auto', max_tokens: 64, messages: [{ role: 'user', content: COMPLEX }] });
  for (const [api, body] of [
    ['responses', { model: 'auto', max_output_tokens: 64, input: COMPLEX }],
    ['messages', { model: 'auto', max_tokens: 64, messages: [{ role: 'user', content: COMPLEX }] }],
  ] as const) {
    const decided = await route(api, body);
    t.equal(decided.status, 200, api);
    t.strictSame(decided.body, chat.body, `${api}: the decision of the same conversation asked through chat completions`);
  }
  // Without api, Responses' `input` reads as an embeddings body: the reason for the parameter.
  t.equal((await route('embeddings', { model: 'auto', input: COMPLEX })).status, 200);
  const unknown = await route('grpc', { model: 'auto', messages: [] });
  t.equal(unknown.status, 400);
  t.match(unknown.body, { error: { param: 'api', message: "Invalid value for 'api': expected one of chat, completions, embeddings, messages, responses." } });
});

/** Embeddings on three axes: greetings point one way, code another, the rest a third. */
function embedByContent(request: { path: string; body: Record<string, unknown> | null }): Behaviour | null {
  if (request.path !== '/v1/embeddings') return null;
  const input = request.body?.['input'];
  const texts = Array.isArray(input) ? (input as string[]) : [String(input)];
  const vector = (text: string) => (/hello|hi\b|thanks/i.test(text) ? [1, 0, 0] : /code|function|python/i.test(text) ? [0, 0, 1] : [0, 1, 0]);
  return {
    kind: 'json',
    body: { object: 'list', data: texts.map((text, index) => ({ object: 'embedding', index, embedding: vector(text) })), usage: { prompt_tokens: 1, total_tokens: 1 } },
  };
}

const EXAMPLES = {
  simple: ['hello', 'thanks a lot'],
  moderate: ['summarise this paragraph', 'compare two cities'],
  complex: ['write a python function', 'debug this code'],
};

t.test('embeddings mode: nearest prototype', async (t) => {
  helper.respond = embedByContent;
  t.teardown(() => void (helper.respond = null));
  const test = await router(t, config({ mode: 'embeddings', embeddings: { pool: 'helper', examples: EXAMPLES } }));
  const hard = await ask(test, 'please write code for a python function');
  t.match(hard, { status: 200, complexity: 'complex', tier: 'large', reason: 'complex: embeddings' });
  const easy = await ask(test, 'hi');
  t.match(easy, { complexity: 'simple', tier: 'small', reason: 'simple: embeddings' });
  const middle = await ask(test, 'what were the causes of the war');
  t.match(middle, { complexity: 'moderate', tier: 'small' });
  t.match(helper.requests.at(-1)?.body, { model: 'served-helper', encoding_format: 'float' });
});

t.test('embeddings mode falls back to the heuristic when the pool is down, and says so', async (t) => {
  const test = await router(t, config({ mode: 'embeddings', embeddings: { pool: 'helper', timeoutMs: 200, examples: EXAMPLES } }, deadUrl));
  const hard = await ask(test, COMPLEX);
  t.match(hard, { status: 200, complexity: 'complex', tier: 'large' });
  t.match(hard.reason, /^complex: embeddings-failed\+/);
});

t.test('llm mode: a small model labels the request', async (t) => {
  helper.respond = (request) =>
    request.path === '/v1/chat/completions'
      ? { kind: 'json', body: { choices: [{ index: 0, message: { role: 'assistant', content: 'Complex.' }, finish_reason: 'stop' }] } }
      : null;
  t.teardown(() => void (helper.respond = null));
  const test = await router(t, config({ mode: 'llm', llm: { pool: 'helper', timeoutMs: 500 } }));
  const answer = await ask(test, SIMPLE);
  t.match(answer, { status: 200, complexity: 'complex', tier: 'large', reason: 'complex: llm' });
  const asked = helper.requests.at(-1)?.body;
  t.match(asked, { model: 'served-helper', max_tokens: 3, temperature: 0 });
  t.match((asked?.['messages'] as { content: string }[])[1]?.content, SIMPLE, 'the labeller sees the user turn');
});

t.test('llm mode falls back on a timeout and on a useless answer', async (t) => {
  helper.respond = (request) => (request.path === '/v1/chat/completions' ? { kind: 'stall' } : null);
  t.teardown(() => void (helper.respond = null));
  const test = await router(t, config({ mode: 'llm', llm: { pool: 'helper', timeoutMs: 100 } }));
  const slow = await ask(test, SIMPLE);
  t.match(slow, { status: 200, complexity: 'simple', tier: 'small' });
  t.match(slow.reason, /^simple: llm-timeout/);
  helper.respond = (request) =>
    request.path === '/v1/chat/completions' ? { kind: 'json', body: { choices: [{ index: 0, message: { role: 'assistant', content: 'I think maybe' } }] } } : null;
  const vague = await ask(test, COMPLEX);
  t.match(vague, { complexity: 'complex', tier: 'large' });
  t.match(vague.reason, /^complex: llm-failed\+/);
});
