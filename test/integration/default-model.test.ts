// What vLLM and TGI accept, the router accepts in front of them: a request without `model` where
// router.yaml names a `defaultModel` (vLLM: `model: str | None = None` in
// vllm-project/vllm vllm/entrypoints/openai/chat_completion/protocol.py and completion/protocol.py;
// TGI: `pub model: Option<String>` in huggingface/text-generation-inference router/src/lib.rs), and
// `max_tokens: 0` on an echo-only completion (vLLM's `echo_without_generation` in
// vllm/entrypoints/openai/completion/protocol.py; OpenAI's CreateCompletionRequest.max_tokens has
// `minimum: 0` in openai/openai-openapi openapi.yaml).
import t from 'tap';
import { parseConfigObject } from '../../src/config/load.js';
import { startFakeEngine } from '../fixtures/fake-engine.js';
import { configFor, startTestRouter } from '../fixtures/start-router.js';

const engine = await startFakeEngine();
t.teardown(() => engine.close());
t.beforeEach(() => {
  engine.requests.length = 0;
  engine.respond = null;
});

/** Inference requests the engine received (the router may also GET its /v1/models). */
const posts = () => engine.requests.filter((received) => received.method === 'POST');
const chatOnly = configFor({ chat: [engine.url] });
/** Two aliases of one tier: `x-switchyard-model` tells which one served. */
const base = { ...chatOnly, models: { chat: { tiers: ['chat'] }, other: { tiers: ['chat'] } } };

t.test('without model, the default alias serves; the engine gets its served model', async (t) => {
  const test = await startTestRouter({ ...base, defaultModel: 'chat' });
  t.teardown(() => test.close());
  const { data, response } = await test.client.chat.completions.create({ messages: [{ role: 'user', content: 'hi' }] } as never).withResponse();
  t.equal(data.choices[0]?.message.content, 'echo: hi');
  t.equal(response.headers.get('x-switchyard-model'), 'chat');
  t.equal(posts()[0]?.body?.['model'], 'served-chat', 'the engine is asked for the served model');
  // `"model": null` means the same (vLLM's Optional), and any endpoint takes the default.
  const nulled = await fetch(`${test.url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: null, prompt: 'Once' }),
  });
  t.equal(nulled.status, 200);
  t.equal(posts()[1]?.body?.['model'], 'served-chat');
  const line = test.requestLogs().at(-1);
  t.equal(line?.['model'], 'chat', 'the access line names the alias that served');
  // An explicit model still wins.
  const explicit = await test.client.chat.completions.create({ model: 'other', messages: [{ role: 'user', content: 'x' }] }).withResponse();
  t.equal(explicit.response.headers.get('x-switchyard-model'), 'other');
});

t.test('without a default, a missing model stays a 400', async (t) => {
  const test = await startTestRouter(base);
  t.teardown(() => test.close());
  await t.rejects(test.client.chat.completions.create({ messages: [{ role: 'user', content: 'hi' }] } as never), {
    status: 400,
    code: 'invalid_request',
    param: 'model',
    message: "400 Missing required parameter: 'model'.",
  });
  t.equal(posts().length, 0);
});

t.test('defaultModel must name an alias', async (t) => {
  const unknown = parseConfigObject({ ...base, defaultModel: 'nope' }, { env: {} });
  t.strictSame(unknown.ok ? [] : unknown.errors, ['defaultModel: unknown model "nope" (known: chat, other)']);
  const wrongType = parseConfigObject({ ...base, defaultModel: 5 }, { env: {} });
  t.ok(!wrongType.ok && wrongType.errors.length === 1 && wrongType.errors[0]?.startsWith('defaultModel: '), 'a type error names the key');
});

t.test('max_tokens: 0 with echo: true is an echo-only completion, passed to the engine', async (t) => {
  const test = await startTestRouter(base);
  t.teardown(() => test.close());
  // vLLM's answer to an echo-only completion: the prompt as the text, nothing generated
  // (vllm/entrypoints/openai/completion/serving.py, the `request.echo and request.max_tokens == 0`
  // branch; CompletionResponse in vllm/entrypoints/openai/completion/protocol.py).
  engine.reply({
    kind: 'json',
    body: {
      id: 'cmpl-9f1c2a7e5b8d4c3e',
      object: 'text_completion',
      created: 1735000000,
      model: 'served-chat',
      choices: [{ index: 0, text: 'Once upon a time', logprobs: null, finish_reason: 'length', stop_reason: null, prompt_logprobs: null }],
      service_tier: null,
      system_fingerprint: null,
      usage: { prompt_tokens: 4, total_tokens: 5, completion_tokens: 1, prompt_tokens_details: null },
      kv_transfer_params: null,
    },
  });
  const completion = await test.client.completions.create({ model: 'chat', prompt: 'Once upon a time', max_tokens: 0, echo: true });
  t.equal(completion.choices[0]?.text, 'Once upon a time');
  t.match(posts()[0]?.body, { max_tokens: 0, echo: true });
  // Chat has no echo-only mode: vLLM refuses max_tokens 0 there (sampling_params.py `_verify_args`).
  await t.rejects(test.client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'x' }], max_tokens: 0 }), {
    status: 400,
    code: 'invalid_request',
    param: 'max_tokens',
  });
});
