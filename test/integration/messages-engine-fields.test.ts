// What an Anthropic Messages client's request carries to each engine beyond the neutral chat body,
// through a real router and the official @anthropic-ai/sdk (1.16.0), against fake engines on loopback:
//
// top_k. The Messages translation writes it into the chat body; only engines that take it get it.
// The OpenAI fake refuses every field CreateChatCompletionRequest does not define (openai/openai-openapi
// openapi.yaml @f85dbe22), with OpenAI's 400 body for it, as a user pasted it from api.openai.com in
// https://github.com/xlinx/sd-webui-decadetw-auto-prompt-llm/issues/29:
//   {"error":{"message":"Unrecognized request argument supplied: top_k","type":"invalid_request_error","param":null,"code":null}}
// A chat-completions client's own fields are not the router's to filter: its top_k still reaches OpenAI.
//
// anthropic-beta and anthropic-version. A native Messages attempt (engine anthropic, or a pool with
// apis: [messages]) carries the client's anthropic-beta, and the client's anthropic-version when it sent
// one (else the pool's); a translated attempt, whose body the router built, carries neither.
// @anthropic-ai/sdk 1.16.0 sends anthropic-version 2026-10-21 (client.js buildHeaders) and its beta calls
// send the joined `betas` as anthropic-beta (resources/beta/messages/messages.js create).
import Anthropic from '@anthropic-ai/sdk';
import t from 'tap';
import { startFakeEngine, type Behaviour, type RecordedRequest } from '../fixtures/fake-engine.js';
import { startTestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN } from '../fixtures/wait.js';
import { EXPECTED_BASIC_MESSAGE, wireFixture } from '../fixtures/wire/load.js';

type Json = Record<string, unknown>;

/** CreateChatCompletionRequest's properties, allOf included (openai/openai-openapi openapi.yaml @f85dbe22). */
const OPENAI_CHAT_FIELDS = new Set([
  'metadata',
  'top_logprobs',
  'temperature',
  'top_p',
  'user',
  'safety_identifier',
  'prompt_cache_key',
  'prompt_cache_retention',
  'prompt_cache_options',
  'messages',
  'model',
  'service_tier',
  'modalities',
  'verbosity',
  'reasoning_effort',
  'max_completion_tokens',
  'frequency_penalty',
  'presence_penalty',
  'web_search_options',
  'response_format',
  'audio',
  'store',
  'moderation',
  'stream',
  'stop',
  'logit_bias',
  'logprobs',
  'max_tokens',
  'n',
  'prediction',
  'seed',
  'stream_options',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'function_call',
  'functions',
]);

/** OpenAI's answer to a chat body with a field it does not define; null (the echo) for a body it takes. */
function likeOpenAi(request: RecordedRequest): Behaviour | null {
  if (request.method !== 'POST' || request.body === null) return null;
  const unknown = Object.keys(request.body).find((field) => !OPENAI_CHAT_FIELDS.has(field));
  if (unknown === undefined) return null;
  return { kind: 'json', status: 400, body: { error: { message: `Unrecognized request argument supplied: ${unknown}`, type: 'invalid_request_error', param: null, code: null } } };
}

const [openai, vllm, claude, vllmMessages, claudeTranslated] = await Promise.all([startFakeEngine(), startFakeEngine(), startFakeEngine(), startFakeEngine(), startFakeEngine()]);
const engines = [openai, vllm, claude, vllmMessages, claudeTranslated];
const env = { ...process.env, OA_KEY: 'oa-secret', ANT_KEY: 'ant-secret', SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN };
const pool = (engine: string, name: string, url: string, extra: Json = {}) => ({
  engine,
  servedModel: `${name}-served`,
  firstTokenTimeoutMs: 2000,
  idleTimeoutMs: 2000,
  healthCheck: { intervalMs: 0 },
  engineMetrics: { intervalMs: 0 },
  replicas: [{ name: `${name}-r0`, url }],
  ...extra,
});
const test = await startTestRouter(
  {
    logging: { level: 'info' },
    retry: { backoffBaseMs: 1, backoffMaxMs: 2 },
    models: {
      oa: { tiers: ['oa'] },
      vl: { tiers: ['vl'] },
      claude: { tiers: ['claude'] },
      vlmsg: { tiers: ['vlmsg'] },
      claudechat: { tiers: ['claudechat'] },
      mixed: { tiers: ['mixed'] },
    },
    tiers: {
      oa: { pools: ['oa'] },
      vl: { pools: ['vl'] },
      claude: { pools: ['ant'] },
      vlmsg: { pools: ['vlmsg'] },
      claudechat: { pools: ['antchat'] },
      mixed: { pools: ['vl', 'oa'] },
    },
    pools: {
      oa: pool('openai', 'oa', openai.url, { apiKeyEnv: 'OA_KEY' }),
      vl: pool('vllm', 'vl', vllm.url),
      ant: pool('anthropic', 'ant', claude.url, { apiKeyEnv: 'ANT_KEY' }),
      vlmsg: pool('vllm', 'vlmsg', vllmMessages.url, { apis: ['messages'] }),
      // Engine anthropic asked in chat completions: the router builds its Messages body, for its own version.
      antchat: pool('anthropic', 'antchat', claudeTranslated.url, { apiKeyEnv: 'ANT_KEY', apis: [], anthropic: { version: '2023-06-01' } }),
    },
  },
  env,
);
const anthropic = new Anthropic({ baseURL: test.url, apiKey: 'sk-test', maxRetries: 0 });
t.teardown(async () => {
  await test.close();
  await Promise.all(engines.map((engine) => engine.close()));
});
t.beforeEach(() => {
  for (const engine of engines) {
    engine.requests.length = 0;
    engine.respond = null;
  }
  openai.respond = likeOpenAi;
});

const ASK = { max_tokens: 32, messages: [{ role: 'user' as const, content: 'Say hi' }] };
// 1.16.0's types (anthropic-version 2026-10-21) no longer list the sampling fields; older SDKs and Claude
// Code send them, and this one sends whatever the params hold: given as a variable, past the literal check.
const SAMPLED = { ...ASK, model: 'oa', temperature: 0.5, top_p: 0.9, top_k: 5 };
const TOP_K = (model: string) => ({ ...ASK, model, top_k: 5 });

t.test("a Messages client's top_k is not sent to OpenAI, which refuses it; temperature and top_p are", async (t) => {
  const message = await anthropic.messages.create(SAMPLED);
  t.match(message, { type: 'message', content: [{ type: 'text', text: 'echo: Say hi' }] });
  const [sent] = openai.requests;
  t.strictSame(sent?.body, { model: 'oa-served', messages: [{ role: 'user', content: 'Say hi' }], max_completion_tokens: 32, temperature: 0.5, top_p: 0.9 });

  const stream = anthropic.messages.stream(TOP_K('oa'));
  const streamed = await stream.finalMessage();
  t.match(streamed, { type: 'message', content: [{ type: 'text', text: 'echo: Say hi' }] });
  t.equal(openai.requests.length, 2);
  t.notOk('top_k' in (openai.requests[1]?.body ?? {}), 'not in the streamed request either');
});

t.test('vLLM takes top_k in chat completions: a Messages client gets it there', async (t) => {
  await anthropic.messages.create(TOP_K('vl'));
  t.strictSame(vllm.requests[0]?.body, { model: 'vl-served', messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 32, top_k: 5 });
});

t.test('each attempt decides: a failover from vLLM to OpenAI sends top_k to the first only', async (t) => {
  vllm.reply({ kind: 'json', status: 503, body: { error: { message: 'busy' } } });
  const message = await anthropic.messages.create(TOP_K('mixed'));
  t.match(message, { content: [{ type: 'text', text: 'echo: Say hi' }] });
  t.equal(vllm.requests[0]?.body?.['top_k'], 5);
  t.strictSame(openai.requests[0]?.body, { model: 'oa-served', messages: [{ role: 'user', content: 'Say hi' }], max_completion_tokens: 32 });
  t.match(test.requestLogs().at(-1), { pool: 'oa' });
});

t.test("a chat-completions client's own top_k passes to OpenAI untouched, and OpenAI's refusal comes back", async (t) => {
  const refused = await test.client.chat.completions
    .create({ model: 'oa', messages: [{ role: 'user', content: 'Say hi' }], top_k: 5 } as Parameters<typeof test.client.chat.completions.create>[0] & { top_k: number })
    .then(
      () => null,
      (error: unknown) => error,
    );
  t.ok(refused instanceof Error);
  t.match(refused, { status: 400, message: /Unrecognized request argument supplied: top_k/ });
  t.equal(openai.requests[0]?.body?.['top_k'], 5);
});

t.test("native Messages to engine anthropic: the client's anthropic-beta and anthropic-version are sent", async (t) => {
  claude.reply({ kind: 'json', body: EXPECTED_BASIC_MESSAGE }, { kind: 'json', body: EXPECTED_BASIC_MESSAGE }, { kind: 'json', body: EXPECTED_BASIC_MESSAGE });
  const withDefaults = new Anthropic({ baseURL: test.url, apiKey: 'sk-test', maxRetries: 0, defaultHeaders: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' } });
  t.strictSame(await withDefaults.messages.create({ ...ASK, model: 'claude' }), EXPECTED_BASIC_MESSAGE);
  t.strictSame(await anthropic.beta.messages.create({ ...ASK, model: 'claude', betas: ['context-1m-2025-08-07', 'files-api-2025-04-14'] }), EXPECTED_BASIC_MESSAGE);
  const [fromDefaults, fromBetas] = claude.requests;
  t.equal(fromDefaults?.headers['anthropic-beta'], 'interleaved-thinking-2025-05-14');
  t.equal(fromDefaults?.headers['anthropic-version'], '2026-10-21', "the SDK's version, not the pool's 2023-06-01");
  t.equal(fromDefaults?.headers['x-api-key'], 'ant-secret', "the pool's key, never the client's");
  t.equal(fromBetas?.headers['anthropic-beta'], 'context-1m-2025-08-07,files-api-2025-04-14');
  t.equal(fromBetas?.path, '/v1/messages');

  // A client that sends no anthropic-version (curl, an older client) gets the pool's.
  const bare = await fetch(`${test.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...ASK, model: 'claude' }) });
  t.equal(bare.status, 200);
  t.equal(claude.requests[2]?.headers['anthropic-version'], '2023-06-01');
  t.notOk('anthropic-beta' in (claude.requests[2]?.headers ?? {}));
});

t.test('a streamed native attempt carries them too', async (t) => {
  // anthropics/anthropic-sdk-typescript tests/lib/fixtures/basic_response.txt @bfa9197f (test/fixtures/wire/).
  claude.reply({ kind: 'raw', contentType: 'text/event-stream', chunks: [wireFixture('anthropic-basic_response.txt')] });
  const stream = anthropic.beta.messages.stream({ ...ASK, model: 'claude', betas: ['interleaved-thinking-2025-05-14'] });
  t.match(await stream.finalMessage(), { content: [{ type: 'text', text: 'Hello there!' }] });
  const [sent] = claude.requests;
  t.equal(sent?.body?.['stream'], true);
  t.equal(sent?.headers['anthropic-beta'], 'interleaved-thinking-2025-05-14');
  t.equal(sent?.headers['anthropic-version'], '2026-10-21');
});

t.test("the client's anthropic-version decides which sampling fields a native attempt may carry", async (t) => {
  claude.reply({ kind: 'json', body: EXPECTED_BASIC_MESSAGE }, { kind: 'json', body: EXPECTED_BASIC_MESSAGE });
  const body = JSON.stringify({ ...ASK, model: 'claude', temperature: 0.2, top_k: 5 });
  for (const version of ['2023-06-01', '2026-10-21']) {
    const res = await fetch(`${test.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': version }, body });
    t.equal(res.status, 200, version);
  }
  t.match(claude.requests[0]?.body, { temperature: 0.2, top_k: 5 });
  t.equal(claude.requests[0]?.headers['anthropic-version'], '2023-06-01');
  // 2026-10-21 refuses the sampling fields even at their defaults: left out, as for a pool set to it.
  t.strictSame(claude.requests[1]?.body, { ...ASK, model: 'ant-served' });
  t.equal(claude.requests[1]?.headers['anthropic-version'], '2026-10-21');
});

t.test('a pool serving Messages natively (vLLM apis: [messages]) gets them too; vLLM reads neither header', async (t) => {
  vllmMessages.reply({ kind: 'json', body: EXPECTED_BASIC_MESSAGE });
  await anthropic.beta.messages.create({ ...ASK, model: 'vlmsg', betas: ['context-1m-2025-08-07'] });
  const [sent] = vllmMessages.requests;
  t.equal(sent?.path, '/v1/messages');
  t.equal(sent?.headers['anthropic-beta'], 'context-1m-2025-08-07');
  t.equal(sent?.headers['anthropic-version'], '2026-10-21');
});

t.test('translated attempts carry no client protocol header: chat engines, and engine anthropic asked in chat', async (t) => {
  await anthropic.beta.messages.create({ ...ASK, model: 'vl', betas: ['context-1m-2025-08-07'] });
  const [chat] = vllm.requests;
  t.equal(chat?.path, '/v1/chat/completions');
  t.notOk('anthropic-beta' in (chat?.headers ?? {}));
  t.notOk('anthropic-version' in (chat?.headers ?? {}));

  claudeTranslated.reply({ kind: 'json', body: EXPECTED_BASIC_MESSAGE });
  const message = await anthropic.beta.messages.create({ ...ASK, model: 'claudechat', betas: ['context-1m-2025-08-07'] });
  t.match(message, { type: 'message', content: [{ type: 'text', text: 'Hello there!' }] });
  const [built] = claudeTranslated.requests;
  t.equal(built?.path, '/v1/messages');
  t.equal(built?.headers['anthropic-version'], '2023-06-01', "the pool's version: the router wrote the body for it");
  t.notOk('anthropic-beta' in (built?.headers ?? {}));
});

t.test('a prefill (a last assistant turn) is continued on vLLM, which is asked to; OpenAI gets no field it refuses', async (t) => {
  const PREFILL = {
    max_tokens: 32,
    messages: [
      { role: 'user' as const, content: 'Give JSON' },
      { role: 'assistant' as const, content: '{"answer":' },
    ],
  };
  await anthropic.messages.create({ ...PREFILL, model: 'vl' });
  t.match(vllm.requests[0]?.body, { continue_final_message: true, add_generation_prompt: false, messages: [{ role: 'user' }, { role: 'assistant', content: '{"answer":' }] });
  const message = await anthropic.messages.create({ ...PREFILL, model: 'oa' });
  t.equal(message.type, 'message', 'OpenAI answered: the fields it does not define were left out');
  t.notOk('continue_final_message' in (openai.requests[0]?.body ?? {}));
  await anthropic.messages.create({ ...ASK, model: 'vl' });
  t.notOk('continue_final_message' in (vllm.requests[1]?.body ?? {}), 'a conversation that ends with the user is not a prefill');
});
