// The promises of strict budgets, tried against an engine that really generates what it is allowed to:
// a key never spends past its limit whatever the request asks (both max_tokens fields, batched
// prompts, images and audio, no max_tokens at all, a fallback to a pool with a longer context); the
// router's cap never makes an error the same request without a key would not get; a refusal says
// truthfully whether the budget is spent or only held by requests in flight. Tight mode counts
// reasoning deltas as output.
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import { startFakeEngine, type Behaviour, type RecordedRequest } from '../fixtures/fake-engine.js';
import { startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN, waitFor } from '../fixtures/wait.js';

const SECRET = 'sk-strict-budgets-0123456789';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** What the fake vision-language model makes of one image, and of one audio clip (the router must allow at least this). */
const IMAGE_TOKENS = 1200;
const AUDIO_TOKENS = 600;

// ---------------------------------------------------------------------------------------------------
// A vLLM that generates exactly as much as vLLM would let it, with vLLM's own rules and error bytes:
// - vllm/entrypoints/openai/serving_engine.py, OpenAIServing._validate_input: for chat
//   `max_tokens = request.max_completion_tokens or request.max_tokens` (the newer field wins); a prompt
//   of max_model_len tokens or more is a 400, and so is prompt + max_tokens above max_model_len, with
//   the two messages quoted in contextError below;
// - vllm/entrypoints/openai/protocol.py: CompletionRequest.max_tokens defaults to 16, and `prompt` is
//   a string, a list of strings, a list of token ids or a list of lists of token ids (each prompt is
//   generated separately, n choices each); ErrorResponse is {"error": {message, type, param, code}};
//   ModelCard reports max_model_len;
// - with no max_tokens in chat the engine generates up to max_model_len - prompt tokens
//   (vllm/entrypoints/utils.py get_max_tokens: model_max_tokens = max_model_len - input_length);
// - reasoning models stream their thinking as `delta.reasoning_content` (older vLLM,
//   vllm/entrypoints/openai/protocol.py DeltaMessage) or `delta.reasoning` (newer,
//   vllm/entrypoints/openai/engine/protocol.py DeltaMessage), chunks serialised with exclude_unset.
// Prompt tokens: one per word, 4 per message and 3 for the template (never more than the UTF-8 bytes,
// as with every byte-level BPE tokenizer), IMAGE_TOKENS per image and AUDIO_TOKENS per audio part.
// ---------------------------------------------------------------------------------------------------

interface VllmOptions {
  readonly maxModelLen: number;
}

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

function chatPromptTokens(body: Record<string, unknown>): number {
  let tokens = 3;
  for (const message of body['messages'] as { content: unknown }[]) {
    tokens += 4;
    if (typeof message.content === 'string') tokens += words(message.content);
    else if (Array.isArray(message.content)) {
      for (const part of message.content as { type: string; text?: string }[]) {
        if (part.type === 'text') tokens += words(part.text ?? '');
        if (part.type === 'image_url') tokens += IMAGE_TOKENS;
        if (part.type === 'input_audio') tokens += AUDIO_TOKENS;
      }
    }
  }
  return tokens;
}

function completionPrompts(prompt: unknown): number[] {
  if (typeof prompt === 'string') return [words(prompt)];
  const list = prompt as unknown[];
  if (list.every((item) => typeof item === 'number')) return [list.length];
  return list.map((item) => (typeof item === 'string' ? words(item) : (item as number[]).length));
}

function contextError(maxModelLen: number, prompt: number, maxTokens: number | null): Behaviour | null {
  const message =
    prompt >= maxModelLen
      ? `This model's maximum context length is ${maxModelLen} tokens. However, your request has ${prompt} input tokens. Please reduce the length of the input messages.`
      : maxTokens !== null && prompt + maxTokens > maxModelLen
        ? `'max_tokens' or 'max_completion_tokens' is too large: ${maxTokens}. This model's maximum context length is ${maxModelLen} tokens and your request has ${prompt} input tokens (${maxTokens} > ${maxModelLen} - ${prompt}).`
        : null;
  return message === null ? null : { kind: 'json', status: 400, body: { error: { message, type: 'BadRequestError', param: null, code: 400 } } };
}

const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);

function vllm({ maxModelLen }: VllmOptions) {
  return (request: RecordedRequest): Behaviour => {
    const body = request.body ?? {};
    const n = num(body['n']) ?? 1;
    if (request.path === '/v1/completions') {
      const prompts = completionPrompts(body['prompt']);
      const maxTokens = body['max_tokens'] === undefined ? 16 : num(body['max_tokens']);
      for (const prompt of prompts) {
        const error = contextError(maxModelLen, prompt, maxTokens);
        if (error !== null) return error;
      }
      const outputs = prompts.map((prompt) => maxTokens ?? maxModelLen - prompt);
      const choices = prompts.flatMap((_, i) =>
        Array.from({ length: n }, (__, j) => ({ index: i * n + j, text: 'w '.repeat(outputs[i] ?? 0), logprobs: null, finish_reason: 'length' })),
      );
      const completion = outputs.reduce((sum, o) => sum + o * n, 0);
      const prompt = prompts.reduce((sum, p) => sum + p, 0);
      return {
        kind: 'json',
        body: {
          id: 'cmpl-fake',
          object: 'text_completion',
          created: 1700000000,
          model: body['model'],
          choices,
          usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
        },
      };
    }
    const prompt = chatPromptTokens(body);
    const maxTokens = num(body['max_completion_tokens']) || num(body['max_tokens']);
    const error = contextError(maxModelLen, prompt, maxTokens);
    if (error !== null) return error;
    const output = maxTokens ?? maxModelLen - prompt;
    const usage = { prompt_tokens: prompt, completion_tokens: output * n, total_tokens: prompt + output * n };
    const choices = Array.from({ length: n }, (_, index) => ({ index, message: { role: 'assistant', content: 'w '.repeat(output) }, finish_reason: 'length' }));
    return { kind: 'json', body: { id: 'chatcmpl-fake', object: 'chat.completion', created: 1700000000, model: body['model'], choices, usage } };
  };
}

// ---------------------------------------------------------------------------------------------------

const engines = await Promise.all([startFakeEngine(), startFakeEngine(), startFakeEngine()]);
const [short, long, hosted] = engines;
t.teardown(() => Promise.all(engines.map((engine) => engine.close())));
t.beforeEach(() => {
  for (const engine of engines) {
    engine.requests.length = 0;
    engine.respond = null;
  }
});

interface Setup {
  readonly key?: Record<string, unknown>;
  readonly budgets?: Record<string, unknown>;
  /** contextLength of the pools `short` and `long` (null: not configured). */
  readonly shortContext?: number | null;
  readonly longContext?: number | null;
  /** Health checks every 50 ms (and with them, reading the engines' context length); default off. */
  readonly checks?: boolean;
}

function config({ key = {}, budgets = {}, shortContext = null, longContext = null, checks = false }: Setup) {
  const pool = (name: string, url: string, engine: string, contextLength: number | null) => ({
    engine,
    servedModel: `served-${name}`,
    ...(contextLength === null ? {} : { contextLength }),
    healthCheck: checks ? { intervalMs: 50, timeoutMs: 40 } : { intervalMs: 0 },
    engineMetrics: { intervalMs: 0 },
    outlier: { consecutiveFailures: 1000 },
    replicas: [{ name: `${name}-r0`, url }],
  });
  return {
    logging: { level: 'info' },
    auth: { required: false, keys: [{ id: 'team', hash: sha256(SECRET), prefix: SECRET.slice(0, 8), ...key }] },
    budgets,
    retry: { maxAttempts: 2, minRetriesPerSecond: 1000 },
    models: { chat: { tiers: ['main'] }, hosted: { tiers: ['hosted'] } },
    // A request for `chat` is sent to `short` first and falls back to `long`, whose context is longer.
    tiers: { main: { pools: ['short', 'long'] }, hosted: { pools: ['hosted'] } },
    pools: { short: pool('short', short.url, 'vllm', shortContext), long: pool('long', long.url, 'vllm', longContext), hosted: pool('hosted', hosted.url, 'openai', null) },
  };
}

async function router(tt: Test, setup: Setup): Promise<TestRouter> {
  const test = await startTestRouter(config(setup), { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
  tt.teardown(() => test.close());
  return test;
}

/** The SDK as a client of the key; with null, with a key the router does not know (served anonymous, unmetered). */
function client(test: TestRouter, secret: string | null = SECRET): OpenAI {
  return new OpenAI({ baseURL: `${test.url}/v1`, apiKey: secret ?? 'sk-not-a-key-of-this-router', maxRetries: 0 });
}

interface PeriodUsage {
  used: number;
  reserved: number;
}

/** The key's lifetime usage once every reservation has settled. */
async function settled(test: TestRouter): Promise<number> {
  return waitFor('every settle', async () => {
    const res = await fetch(`${test.url}/admin/keys/team`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const usage = ((await res.json()) as { usage: { tokens: Record<string, PeriodUsage>; concurrency: { active: number } } }).usage;
    const lifetime = usage.tokens['lifetime'];
    return lifetime !== undefined && lifetime.reserved === 0 && usage.concurrency.active === 0 ? lifetime.used : null;
  });
}

type Outcome = { status: 200 } | { status: number; code: string | null | undefined; retryAfter: string | null; shouldRetry: string | null };

async function outcome(call: Promise<unknown>): Promise<Outcome> {
  try {
    await call;
    return { status: 200 };
  } catch (error) {
    if (!(error instanceof OpenAI.APIError)) throw error;
    // instanceof leaves the class's type parameters as any; these are their defaults.
    const status = error.status as number | undefined;
    const headers = error.headers as Headers | undefined;
    return { status: status ?? 0, code: error.code, retryAfter: headers?.get('retry-after') ?? null, shouldRetry: headers?.get('x-should-retry') ?? null };
  }
}

/** `count` one-letter words: `count` prompt tokens to the fake engine, 2 × count bytes to the router. */
const longPrompt = (count: number) => 'w '.repeat(count).trim();

// --- 13: the cap the router adds ---------------------------------------------------------------------

t.test('strict: a long prompt near the context is served exactly as it is without a key', async (t) => {
  const test = await router(t, { key: { limits: { tokensLifetime: 100_000 } }, shortContext: 2048, longContext: 2048 });
  short.respond = vllm({ maxModelLen: 2048 });
  // 1,900 words: 1,907 prompt tokens of 2,048. Without a key the engine generates the other 141.
  const request = { model: 'chat', messages: [{ role: 'user' as const, content: longPrompt(1900) }] };
  const anonymous = await client(test, null).chat.completions.create(request);
  t.equal(anonymous.usage?.completion_tokens, 141, 'without a key: served, up to the context');
  const keyed = await outcome(client(test).chat.completions.create(request));
  t.same(keyed, { status: 200 }, 'with a key: served too, not a 400 for a max_tokens the client never sent');
  t.equal(short.requests.length, 2);
  t.strictSame(short.requests[1]?.body, short.requests[0]?.body, 'the engine got the very same body');
  t.equal(await settled(test), 2048, 'charged what the engine reported');
});

t.test("strict: without contextLength, the context is read from vLLM's GET /v1/models, and the same long prompt is served", async (t) => {
  const test = await router(t, { key: { limits: { tokensLifetime: 100_000 } }, checks: true });
  const generate = vllm({ maxModelLen: 2048 });
  // vLLM's model list (vllm/entrypoints/openai/protocol.py ModelList and ModelCard, as
  // serving_models.py show_available_models fills them: max_model_len is the engine's context).
  const models = {
    object: 'list',
    data: [
      {
        id: 'served-short',
        object: 'model',
        created: 1700000000,
        owned_by: 'vllm',
        root: '/models/served-short',
        parent: null,
        max_model_len: 2048,
        permission: [
          {
            id: 'modelperm-1',
            object: 'model_permission',
            created: 1700000000,
            allow_create_engine: false,
            allow_sampling: true,
            allow_logprobs: true,
            allow_search_indices: false,
            allow_view: true,
            allow_fine_tuning: false,
            organization: '*',
            group: null,
            is_blocking: false,
          },
        ],
      },
    ],
  };
  short.respond = (request) => (request.method === 'GET' && request.path === '/v1/models' ? { kind: 'json', body: models } : generate(request));
  await waitFor('the router to read the model list', async () => short.requests.some((request) => request.path === '/v1/models'));
  await waitFor('a second read (the first has been taken in)', async () => short.requests.filter((request) => request.path === '/v1/models').length >= 2);
  const keyed = await outcome(client(test).chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: longPrompt(1900) }] }));
  t.same(keyed, { status: 200 }, 'served: no max_tokens was added past the context');
  const sent = short.requests.find((request) => request.method === 'POST');
  t.notOk(sent !== undefined && 'max_tokens' in (sent.body ?? {}), 'the body went as the client sent it');
});

t.test('strict: a pool of engine openai is capped with max_completion_tokens, never max_tokens', async (t) => {
  const test = await router(t, { key: { limits: { tokensLifetime: 100_000 } }, budgets: { maxOutputTokens: 300 } });
  await client(test).chat.completions.create({ model: 'hosted', messages: [{ role: 'user', content: 'hi' }] });
  const body = hosted.requests.at(-1)?.body ?? {};
  t.equal(body['max_completion_tokens'], 300);
  t.notOk('max_tokens' in body, 'no max_tokens: hosted reasoning models refuse it');
});

t.test("strict: the key's maxTokensPerRequest caps what the router adds", async (t) => {
  const test = await router(t, { key: { maxTokensPerRequest: 50, limits: { tokensLifetime: 100_000 } } });
  await client(test).chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
  t.equal(short.requests.at(-1)?.body?.['max_tokens'], 50, 'min(key cap 50, maxOutputTokens 4096)');
  await client(test).chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], n: 5 });
  t.equal(short.requests.at(-1)?.body?.['max_tokens'], 10, 'five choices share the 50: ten each');
});

t.test('strict: no overspend when the output is bounded only by the context, on a fallback pool with a longer one', async (t) => {
  const LIMIT = 9000;
  const test = await router(t, { key: { limits: { tokensLifetime: LIMIT } }, shortContext: 1024, longContext: 4096 });
  // The first pool fails every request; its fallback generates up to its 4,096-token context.
  short.respond = () => ({ kind: 'json', status: 503, body: { error: { message: 'busy', type: 'ServiceUnavailableError', param: null, code: 503 } } });
  long.respond = vllm({ maxModelLen: 4096 });
  // No max_tokens: each may cost up to 4,096 on the fallback, whatever the first pool's context says.
  const prompts = [1, 50, 100, 200, 400, 800, 1000, 1200];
  const results = await Promise.all(
    prompts.map((count) => outcome(client(test).chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: longPrompt(count) }] }))),
  );
  t.ok(
    results.every((r) => r.status === 200 || r.status === 429),
    `served or refused, never failed: ${JSON.stringify(results.map((r) => r.status))}`,
  );
  t.ok(
    results.some((r) => r.status === 200),
    'some served',
  );
  const spent = await settled(test);
  t.ok(spent <= LIMIT, `spent ${spent} ≤ ${LIMIT}`);
});

// --- 14: what the reservation must count --------------------------------------------------------------

t.test('strict: max_completion_tokens counts when max_tokens is smaller (vLLM uses it)', async (t) => {
  const LIMIT = 200;
  const test = await router(t, { key: { limits: { tokensLifetime: LIMIT } } });
  short.respond = vllm({ maxModelLen: 8192 });
  const results = await Promise.all(
    Array.from({ length: 3 }, () =>
      outcome(client(test).chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 10, max_completion_tokens: 1000 })),
    ),
  );
  const spent = await settled(test);
  t.ok(spent <= LIMIT, `spent ${spent} ≤ ${LIMIT}`);
  t.match(results[0], { status: 429, code: 'insufficient_quota' }, '1,000 output tokens can never fit 200');
});

t.test('strict: a batched /v1/completions prompt reserves every prompt × n', async (t) => {
  const LIMIT = 150;
  const test = await router(t, { key: { limits: { tokensLifetime: LIMIT } } });
  short.respond = vllm({ maxModelLen: 8192 });
  const api = client(test);
  const results = [
    await outcome(api.completions.create({ model: 'chat', prompt: ['one', 'two', 'three', 'four'], n: 2, max_tokens: 20 })),
    await outcome(
      api.completions.create({
        model: 'chat',
        prompt: [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
        ],
        max_tokens: 30,
      }),
    ),
  ];
  const spent = await settled(test);
  t.ok(spent <= LIMIT, `spent ${spent} ≤ ${LIMIT} (4 prompts × 2 × 20 = 160 output tokens; 3 × 30 = 90)`);
  t.match(results[0], { status: 429, code: 'insufficient_quota' });
  t.same(results[1], { status: 200 }, 'a batch that fits is served');
});

t.test('strict: image and audio parts are reserved', async (t) => {
  const LIMIT = 2000;
  const test = await router(t, { key: { limits: { tokensLifetime: LIMIT } }, budgets: { imageTokens: IMAGE_TOKENS, audioTokens: 100 } });
  short.respond = vllm({ maxModelLen: 32768 });
  const api = client(test);
  const audio = Buffer.alloc(600, 7).toString('base64'); // 800 base64 characters: more than the clip's 600 tokens
  const image = { type: 'image_url' as const, image_url: { url: 'https://example.com/cat.png' } };
  const results = [
    await outcome(api.chat.completions.create({ model: 'chat', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'text', text: 'compare' }, image, image] }] })),
    await outcome(
      api.chat.completions.create({
        model: 'chat',
        max_tokens: 5,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'transcribe' },
              { type: 'input_audio', input_audio: { data: audio, format: 'wav' } },
            ],
          },
        ],
      }),
    ),
    await outcome(api.chat.completions.create({ model: 'chat', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'text', text: 'describe' }, image] }] })),
  ];
  const spent = await settled(test);
  t.ok(spent <= LIMIT, `spent ${spent} ≤ ${LIMIT}`);
  t.match(results[0], { status: 429, code: 'insufficient_quota' }, 'two images (2,400 tokens) can never fit 2,000');
  t.same(results.slice(1), [{ status: 200 }, { status: 200 }], 'one clip, then one image, fit');
});

// --- 14: tight mode counts reasoning ------------------------------------------------------------------

for (const field of ['reasoning_content', 'reasoning']) {
  t.test(`tight: ${field} deltas are output, and a stream of them is cut when the budget is spent`, async (t) => {
    const LIMIT = 60;
    const test = await router(t, { key: { limits: { tokensLifetime: LIMIT } }, budgets: { budgetMode: 'tight', topUpTokens: 10 } });
    // Bytes as vLLM streams them (ChatCompletionStreamResponse.model_dump_json(exclude_unset=True)).
    const chunk = (delta: object) =>
      JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1700000000,
        model: 'served-short',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: null }],
      });
    const thinking = Array.from({ length: 200 }, (_, i) => chunk({ [field]: `step ${i} ` }));
    const usage = JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1700000000,
      model: 'served-short',
      choices: [],
      usage: { prompt_tokens: 10, completion_tokens: 201, total_tokens: 211 },
    });
    short.reply({ kind: 'stream', events: [chunk({ role: 'assistant', content: '' }), ...thinking, chunk({ content: 'done' }), usage], delayMs: 1 });
    const res = await fetch(`${test.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'think' }] }),
    });
    const text = await res.text();
    const steps = text.split('\n\n').filter((event) => event.includes(`"${field}":"step`)).length;
    t.equal(res.status, 200);
    t.ok(steps > 0 && steps < 200, `cut after ${steps} of 200 reasoning deltas`);
    t.match(text, /"code":"insufficient_quota"/, "the stream ends with the budget's error event");
    const spent = await settled(test);
    t.ok(spent <= LIMIT + 10, `spent ${spent}: at most one top-up step past ${LIMIT}`);
  });
}

t.test("tight: an engine that writes JSON with Python's json.dumps spacing is counted and cut all the same", async (t) => {
  const LIMIT = 60;
  // json.dumps with its default separators (', ', ': '), as Python servers without a compact encoder write.
  const py = (value: unknown): string =>
    Array.isArray(value)
      ? `[${value.map(py).join(', ')}]`
      : typeof value === 'object' && value !== null
        ? `{${Object.entries(value)
            .map(([key, item]) => `${JSON.stringify(key)}: ${py(item)}`)
            .join(', ')}}`
        : JSON.stringify(value);
  const chunk = (delta: object) =>
    py({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1700000000, model: 'served-short', choices: [{ index: 0, delta, logprobs: null, finish_reason: null }] });
  const words = Array.from({ length: 100 }, (_, i) => chunk({ content: `word ${i} ` }));
  const calls = Array.from({ length: 100 }, (_, i) => chunk({ tool_calls: [{ index: 0, function: { arguments: `{"part ${i}` } }] }));
  const usage = py({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1700000000,
    model: 'served-short',
    choices: [],
    usage: { prompt_tokens: 10, completion_tokens: 201, total_tokens: 211 },
  });
  for (const deltas of [words, calls]) {
    const test = await router(t, { key: { limits: { tokensLifetime: LIMIT } }, budgets: { budgetMode: 'tight', topUpTokens: 10 } });
    short.reply({ kind: 'stream', events: [chunk({ role: 'assistant', content: '' }), ...deltas, usage], delayMs: 1 });
    const res = await fetch(`${test.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'talk' }] }),
    });
    const text = await res.text();
    t.equal(res.status, 200);
    t.match(text, /"code":"insufficient_quota"/, "the stream ends with the budget's error event");
    t.notMatch(text, /\[DONE\]/);
    const spent = await settled(test);
    t.ok(spent <= LIMIT + 10, `spent ${spent}: at most one top-up step past ${LIMIT}`);
  }
});

// --- 15: a refusal tells the truth --------------------------------------------------------------------

t.test('a refusal blocked only by reservations in flight is a retryable rate limit, a spent budget is insufficient_quota', async (t) => {
  const LIMIT = 1200;
  const test = await router(t, { key: { limits: { tokensLifetime: LIMIT } } });
  // Every answer costs 10 tokens (7 + 3) and streams slowly, so reservations of 126 (the prompt's
  // bound 26 + max_tokens 100) are held while the rest arrive.
  const slow = (usage: { prompt_tokens: number; completion_tokens: number }): Behaviour => ({
    kind: 'stream',
    delayMs: 20,
    events: [
      JSON.stringify({
        id: 'c',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'm',
        choices: [{ index: 0, delta: { role: 'assistant', content: 'hello' }, finish_reason: null }],
      }),
      JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
      JSON.stringify({
        id: 'c',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'm',
        choices: [],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      }),
    ],
  });
  short.respond = () => slow({ prompt_tokens: 7, completion_tokens: 3 });
  const api = client(test);
  const call = () =>
    outcome(
      api.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 100, stream: true }).then(async (stream) => {
        for await (const chunk of stream) void chunk;
      }),
    );
  // 100 requests × 10 tokens: at most 1,000 of 1,200 can ever be used, so a request of 126 always fits
  // what is used; whatever is refused is refused for reservations in flight.
  const results = await Promise.all(Array.from({ length: 100 }, call));
  const refused = results.filter((r) => r.status !== 200);
  t.ok(refused.length > 0, `${refused.length} of 100 refused while others were in flight`);
  t.same(
    [...new Set(refused.map((r) => JSON.stringify(r)))].map((r) => JSON.parse(r) as unknown),
    [{ status: 429, code: 'rate_limit_exceeded', retryAfter: '1', shouldRetry: null }],
    'every refusal is a rate limit to retry in a second, never insufficient_quota',
  );
  const spent = await settled(test);
  t.ok(spent + 126 <= LIMIT, `spent ${spent}: the budget was never spent`);

  // Now spend it for real: one answer the engine says cost 1,100 tokens.
  short.respond = () => slow({ prompt_tokens: 600, completion_tokens: 500 });
  t.same(await call(), { status: 200 });
  await settled(test);
  short.respond = () => slow({ prompt_tokens: 7, completion_tokens: 3 });
  t.same(await call(), { status: 429, code: 'insufficient_quota', retryAfter: null, shouldRetry: 'false' }, 'spent: insufficient_quota, not to be retried');
});
