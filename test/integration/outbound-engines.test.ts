// engine: azure and engine: anthropic, driven by the official openai SDK through a real router, against
// fake servers on loopback that answer with the providers' own wire bytes (test/fixtures/wire/):
//   Azure:     Azure/azure-rest-api-specs …/AzureOpenAI/inference/stable/2024-10-21/examples/chat_completions.json
//              @35f9bf9a (the answer); Azure's opening stream chunk with no choices, as curl shows it in
//              https://github.com/microsoft/autogen/issues/6465; a content filter's 400 as Azure answered it,
//              recorded in Mirascope/mirascope python/tests/e2e/output/snapshots/test_refusal/
//              azure-openai_completions_gpt_4o_mini_snapshots.py (clients read its error.innererror:
//              openai/openai-cookbook examples/azure/chat_cell21.py).
//   Anthropic: anthropics/anthropic-sdk-typescript @bfa9197f tests/lib/fixtures/basic_response.txt,
//              tool_use_response.txt; tests/api-resources/MessageStream.test.ts l.18-27 (EXPECTED_BASIC_MESSAGE,
//              the folded basic_response); tests/streaming.test.ts l.224-226 (the overloaded error event);
//              tests/middleware-streaming.test.ts l.879 (the 529 overloaded_error body).
import OpenAI from 'openai';
import t from 'tap';
import { startFakeEngine, type Behaviour } from '../fixtures/fake-engine.js';
import { startTestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN } from '../fixtures/wait.js';
import { EXPECTED_BASIC_MESSAGE, wireFixture } from '../fixtures/wire/load.js';

const AZURE_EXAMPLE = JSON.parse(wireFixture('azure-chat_completions.json')) as { responses: { 200: { body: Record<string, unknown> } } };
const AZURE_ANSWER = AZURE_EXAMPLE.responses[200].body;
const OVERLOADED_EVENT = 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';

const [az0, az1, azDep, an0, an1] = await Promise.all([startFakeEngine(), startFakeEngine(), startFakeEngine(), startFakeEngine(), startFakeEngine()]);
const engines = [az0, az1, azDep, an0, an1];
const env = { ...process.env, AZ_KEY: 'az-secret', ANT_KEY: 'ant-secret', SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN };
const pool = (engine: string, servedModel: string, urls: [string, string][], extra: Record<string, unknown>) => ({
  engine,
  servedModel,
  balance: 'round-robin',
  firstTokenTimeoutMs: 2000,
  idleTimeoutMs: 2000,
  outlier: { consecutiveFailures: 1 },
  replicas: urls.map(([name, url]) => ({ name, url })),
  ...extra,
});
const test = await startTestRouter(
  {
    logging: { level: 'info' },
    retry: { backoffBaseMs: 1, backoffMaxMs: 2 },
    models: { azv1: { tiers: ['azv1'] }, azdep: { tiers: ['azdep'] }, claude: { tiers: ['claude'] } },
    tiers: { azv1: { pools: ['azv1'] }, azdep: { pools: ['azdep'] }, claude: { pools: ['claude'] } },
    pools: {
      azv1: pool(
        'azure',
        'gpt-4o-mini',
        [
          ['azv1-r0', az0.url],
          ['azv1-r1', az1.url],
        ],
        { apiKeyEnv: 'AZ_KEY' },
      ),
      azdep: pool('azure', 'my gpt-4o', [['azdep-r0', azDep.url]], { apiKeyEnv: 'AZ_KEY', azure: { api: 'deployments', apiVersion: '2024-10-21' } }),
      claude: pool(
        'anthropic',
        'claude-opus-4-8',
        [
          ['claude-r0', an0.url],
          ['claude-r1', an1.url],
        ],
        { apiKeyEnv: 'ANT_KEY' },
      ),
    },
  },
  env,
);
t.teardown(async () => {
  await test.close();
  await Promise.all(engines.map((engine) => engine.close()));
});
t.beforeEach(() => {
  for (const engine of engines) {
    engine.requests.length = 0;
    engine.respond = null;
  }
});

/** The n-th request of the test, whichever replica the balancer picks, gets `answers[n]`. */
function inTurn(targets: typeof engines, answers: Behaviour[]): void {
  let next = 0;
  for (const engine of targets) engine.respond = () => answers[Math.min(next++, answers.length - 1)] ?? null;
}

const received = (targets: typeof engines) => targets.flatMap((engine) => engine.requests);
const user = [{ role: 'user' as const, content: 'can you tell me how to care for a parrot?' }];

async function replicaStates(): Promise<Record<string, { ejections: number; coolingUntil: string | null }>> {
  const res = await fetch(`${test.url}/admin/pools`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const body = (await res.json()) as { pools: { replicas: { name: string; ejections: number; coolingUntil: string | null }[] }[] };
  return Object.fromEntries(body.pools.flatMap((p) => p.replicas).map((r) => [r.name, r]));
}

// ---- Azure ----

t.test('azure, deployments: the deployment and api-version in the path, the key as api-key, the answer relayed', async (t) => {
  azDep.reply({ kind: 'json', body: AZURE_ANSWER });
  const answer = await test.client.chat.completions.create({ model: 'azdep', messages: user });
  t.strictSame(answer, AZURE_ANSWER);
  const [sent] = azDep.requests;
  t.equal(sent?.path, '/openai/deployments/my%20gpt-4o/chat/completions?api-version=2024-10-21');
  t.equal(sent?.headers['api-key'], 'az-secret');
  t.notOk(sent?.headers['authorization'], 'no bearer token beside api-key');
  t.equal(sent?.body?.['model'], 'my gpt-4o');
});

const AZURE_FILTER_RESULT = {
  hate: { filtered: false, severity: 'safe' },
  jailbreak: { filtered: false, detected: false },
  self_harm: { filtered: true, severity: 'medium' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};
const AZURE_FILTERED_MESSAGE =
  "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766";

t.test("azure: a content filter's 400 reaches the client with its innererror, which says what was filtered", async (t) => {
  const innererror = { code: 'ResponsibleAIPolicyViolation', content_filter_result: AZURE_FILTER_RESULT };
  azDep.reply({ kind: 'json', status: 400, body: { error: { message: AZURE_FILTERED_MESSAGE, type: null, param: 'prompt', code: 'content_filter', status: 400, innererror } } });
  const error = await test.client.chat.completions.create({ model: 'azdep', messages: user }).catch((thrown: unknown) => thrown);
  t.ok(error instanceof OpenAI.BadRequestError, 'a 400');
  t.strictSame((error as InstanceType<typeof OpenAI.BadRequestError>).error, {
    message: AZURE_FILTERED_MESSAGE,
    type: 'invalid_request_error',
    param: 'prompt',
    code: 'content_filter',
    status: 400,
    innererror,
  });
});

t.test('azure, v1: /openai/v1/chat/completions with the deployment as model', async (t) => {
  inTurn([az0, az1], [{ kind: 'json', body: AZURE_ANSWER }]);
  const answer = await test.client.chat.completions.create({ model: 'azv1', messages: user, max_completion_tokens: 600 });
  t.equal(answer.usage?.prompt_tokens, 33);
  const [sent] = received([az0, az1]);
  t.equal(sent?.path, '/openai/v1/chat/completions');
  t.equal(sent?.headers['api-key'], 'az-secret');
  t.notOk(sent?.headers['authorization']);
  t.strictSame(sent?.body, { model: 'gpt-4o-mini', messages: user, max_completion_tokens: 600 });
});

t.test("azure: a Responses or Messages client's output cap goes as max_completion_tokens, which reasoning deployments take", async (t) => {
  // An o-series or GPT-5 deployment refuses max_tokens: "Unsupported parameter: 'max_tokens' is not supported
  // with this model. Use 'max_completion_tokens' instead." A chat client's own field is its choice.
  azDep.respond = (request) => ({ kind: 'json', body: { ...AZURE_ANSWER, model: request.body?.['model'] } });
  await test.client.responses.create({ model: 'azdep', input: 'hi', max_output_tokens: 321 });
  await fetch(`${test.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'azdep', max_tokens: 123, messages: [{ role: 'user', content: 'hi' }] }),
  }).then((res) => res.arrayBuffer());
  await test.client.chat.completions.create({ model: 'azdep', messages: user, max_tokens: 77 });
  t.strictSame(
    azDep.requests.map((sent) => [sent.body?.['max_tokens'], sent.body?.['max_completion_tokens']]),
    [
      [undefined, 321],
      [undefined, 123],
      [77, undefined],
    ],
  );
});

/** Azure's stream: the prompt's filter results first (no choices), then chat chunks with filter results. */
const AZURE_PREAMBLE =
  'data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}}]}\n\n';
const azureChunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ choices: [{ content_filter_results: {}, delta, finish_reason: finish, index: 0 }], created: 1, id: 'chatcmpl-az', model: 'gpt-4o-mini-2024-07-18', object: 'chat.completion.chunk' })}\n\n`;

t.test('azure: a stream that fails after its no-choices opening chunk is still retried on another replica', async (t) => {
  const whole = [
    AZURE_PREAMBLE,
    azureChunk({ content: '', role: 'assistant' }),
    azureChunk({ content: 'Ahoy' }),
    azureChunk({ content: ' matey!' }),
    azureChunk({}, 'stop'),
    'data: {"choices":[],"created":1,"id":"chatcmpl-az","model":"gpt-4o-mini-2024-07-18","object":"chat.completion.chunk","usage":{"completion_tokens":2,"prompt_tokens":33,"total_tokens":35}}\n\n',
    'data: [DONE]\n\n',
  ];
  inTurn(
    [az0, az1],
    [
      { kind: 'raw', chunks: [AZURE_PREAMBLE, 'data: {"error":{"message":"The server had an error","type":"server_error","code":null}}\n\n'] },
      { kind: 'raw', chunks: whole },
    ],
  );
  const stream = test.client.chat.completions.stream({ model: 'azv1', messages: user, stream_options: { include_usage: true } });
  const final = await stream.finalChatCompletion();
  t.equal(final.choices[0]?.message.content, 'Ahoy matey!');
  t.equal(final.usage?.prompt_tokens, 33);
  t.equal(received([az0, az1]).length, 2, 'the first replica failed before any content; the second answered');
  const attempts = test.requestLogs().at(-1)?.['attempts'] as { outcome: string }[];
  t.strictSame(
    attempts.map((a) => a.outcome),
    ['upstream_error', 'ok'],
  );
});

// ---- Anthropic ----

const anthropic = [an0, an1];

t.test('anthropic, non-streaming: the chat request becomes a Messages request; the Message a chat completion', async (t) => {
  inTurn(anthropic, [{ kind: 'json', body: EXPECTED_BASIC_MESSAGE }]);
  const answer = await test.client.chat.completions.create({
    model: 'claude',
    messages: [{ role: 'system', content: 'Be brief.' }, ...user],
    max_tokens: 100,
    temperature: 0.5,
  });
  t.equal(answer.id, 'chatcmpl-msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK');
  t.equal(answer.choices[0]?.message.content, 'Hello there!');
  t.equal(answer.choices[0]?.finish_reason, 'stop');
  t.strictSame(answer.usage, { prompt_tokens: 11, completion_tokens: 6, total_tokens: 17, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 } });
  const [sent] = received(anthropic);
  t.equal(sent?.path, '/v1/messages');
  t.equal(sent?.headers['x-api-key'], 'ant-secret');
  t.equal(sent?.headers['anthropic-version'], '2023-06-01');
  t.notOk(sent?.headers['authorization']);
  t.strictSame(sent?.body, { model: 'claude-opus-4-8', max_tokens: 100, messages: user, system: 'Be brief.', temperature: 0.5 });
});

t.test('anthropic, streaming: the recorded tool-use stream reaches the SDK as chat chunks, usage included', async (t) => {
  inTurn(anthropic, [{ kind: 'raw', chunks: [wireFixture('anthropic-tool_use_response.txt')] }]);
  const stream = test.client.chat.completions.stream({
    model: 'claude',
    messages: [{ role: 'user', content: 'Weather in Paris?' }],
    tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }],
    stream_options: { include_usage: true },
  });
  const final = await stream.finalChatCompletion();
  const choice = final.choices[0];
  t.equal(choice?.message.content, "I'll check the current weather in Paris for you.");
  t.equal(choice?.finish_reason, 'tool_calls');
  t.strictSame(
    choice?.message.tool_calls?.map((call) => (call.type === 'function' ? [call.id, call.function.name, call.function.arguments] : [])),
    [['toolu_01NRLabsLyVHZPKxbKvkfSMn', 'get_weather', '{"location": "Paris"}']],
  );
  t.equal(final.usage?.prompt_tokens, 377);
  t.equal(final.usage?.completion_tokens, 65);
  t.equal(received(anthropic)[0]?.body?.['stream'], true);
  // The router read the usage it carried, as from any chat engine: the access line and the budgets see it.
  const line = test.requestLogs().at(-1);
  t.equal(line?.['promptTokens'], 377);
  t.equal(line?.['completionTokens'], 65);
});

t.test('anthropic: a 529 overloaded_error is tried on the other replica, cools the first, never ejects it', async (t) => {
  const before = await replicaStates();
  inTurn(anthropic, [
    { kind: 'json', status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'later' } }, headers: { 'retry-after': '2' } },
    { kind: 'json', body: EXPECTED_BASIC_MESSAGE },
  ]);
  const answer = await test.client.chat.completions.create({ model: 'claude', messages: user });
  t.equal(answer.choices[0]?.message.content, 'Hello there!');
  const attempts = test.requestLogs().at(-1)?.['attempts'] as { replica: string; outcome: string; status: number }[];
  t.strictSame(
    attempts.map((a) => [a.outcome, a.status]),
    [
      ['upstream_overloaded', 529],
      ['ok', 200],
    ],
  );
  const after = await replicaStates();
  const first = attempts[0]!.replica;
  t.equal(after[first]?.ejections, before[first]?.ejections, 'not ejected, though one failure ejects here');
  t.ok(after[first]?.coolingUntil, 'cooled for its retry-after');
});

t.test('anthropic: an overloaded error event before any content is tried elsewhere; after content it ends the stream', async (t) => {
  const start = wireFixture('anthropic-basic_response.txt').split('event: content_block_delta')[0]!;
  inTurn(anthropic, [
    { kind: 'raw', chunks: [start, OVERLOADED_EVENT] },
    { kind: 'raw', chunks: [wireFixture('anthropic-basic_response.txt')] },
  ]);
  const text = await test.client.chat.completions.stream({ model: 'claude', messages: user }).finalContent();
  t.equal(text, 'Hello there!');
  t.strictSame(
    (test.requestLogs().at(-1)?.['attempts'] as { outcome: string }[]).map((a) => a.outcome),
    ['upstream_overloaded', 'ok'],
  );

  // After content: the client has "Hello", then the SDK raises the router's error event.
  const upToHello = wireFixture('anthropic-basic_response.txt').split(
    'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there"}}',
  )[0]!;
  inTurn(anthropic, [{ kind: 'raw', chunks: [upToHello, OVERLOADED_EVENT] }]);
  const seen: string[] = [];
  const stream = test.client.chat.completions.stream({ model: 'claude', messages: user });
  stream.on('content', (delta) => seen.push(delta));
  const error = await stream.finalContent().then(
    () => null,
    (thrown: unknown) => thrown,
  );
  t.type(error, OpenAI.APIError);
  t.strictSame(seen, ['Hello']);
  t.strictSame(
    (test.requestLogs().at(-1)?.['attempts'] as { outcome: string }[]).map((a) => a.outcome),
    ['upstream_overloaded'],
    'committed and cut by the overload: not a stream_interrupted held against the replica',
  );
});

t.test("anthropic: a prompt over the model's context is context_length_exceeded, as clients trim history by", async (t) => {
  // Anthropic's words for it (its API's 400 invalid_request_error for an over-long prompt).
  const message = 'prompt is too long: 205351 tokens > 200000 maximum';
  inTurn(anthropic, [{ kind: 'json', status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message } } }]);
  const error = await test.client.chat.completions.create({ model: 'claude', messages: user }).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  t.match(error, { status: 400, code: 'context_length_exceeded', param: 'messages', type: 'invalid_request_error' });
  t.equal(received(anthropic).length, 1, 'not retried: the request is at fault');
});

t.test("a 404 for the pool's own model is the pool's misconfiguration: tried elsewhere, else a 502, never the client's 404", async (t) => {
  // Anthropic's not_found_error names the model; Azure's DeploymentNotFound the deployment. The client
  // named an alias: an SDK's NotFoundError for a model it never sent would mislead it.
  const notFound = { type: 'error', error: { type: 'not_found_error', message: 'model: claude-opus-4-8' } };
  inTurn(anthropic, [
    { kind: 'json', status: 404, body: notFound },
    { kind: 'raw', chunks: [wireFixture('anthropic-basic_response.txt')] },
  ]);
  const answer = await test.client.chat.completions.create({ model: 'claude', messages: user, stream: true });
  let text = '';
  for await (const chunk of answer) text += chunk.choices[0]?.delta.content ?? '';
  t.ok(text.length > 0, 'answered by the other replica');
  t.equal(received(anthropic).length, 2);
  const deployment = { error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist.' } };
  azDep.reply({ kind: 'json', status: 404, body: deployment });
  const error = await test.client.chat.completions.create({ model: 'azdep', messages: user }).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  t.match(error, { status: 502, code: 'upstream_misconfigured', type: 'server_error' });
  t.notMatch(String((error as Error).message), /DeploymentNotFound|does not exist/, "the engine's words stay in the log");
});

t.test('anthropic: what Messages cannot take is a 400 in OpenAI terms; completions are not served', async (t) => {
  const error = await test.client.chat.completions.create({ model: 'claude', messages: user, n: 2 }).catch((thrown: unknown) => thrown);
  t.type(error, OpenAI.BadRequestError);
  t.equal((error as InstanceType<typeof OpenAI.BadRequestError>).param, 'n');
  const completions = await test.client.completions.create({ model: 'claude', prompt: 'hi' }).catch((thrown: unknown) => thrown);
  t.type(completions, OpenAI.BadRequestError);
  t.match((completions as Error).message, /does not serve \/v1\/completions/);
  t.equal(received(anthropic).length, 0, 'nothing was sent upstream');
});

t.test("the router's own calls (the llm classifier) reach an anthropic pool through the same adapter", async (t) => {
  const labeller = await startFakeEngine();
  const worker = await startFakeEngine();
  t.teardown(() => Promise.all([labeller.close(), worker.close()]));
  const labelled = { ...EXPECTED_BASIC_MESSAGE, content: [{ type: 'text', text: 'Complex.' }] };
  labeller.reply({ kind: 'json', body: labelled });
  const own = await startTestRouter(
    {
      logging: { level: 'info' },
      classifier: { mode: 'llm', llm: { pool: 'labeller', timeoutMs: 1000 } },
      models: { auto: { tiers: ['small', 'large'], classify: true, route: { simple: 'small', moderate: 'small', complex: 'large' } } },
      tiers: { small: { pools: ['small'] }, large: { pools: ['large'] }, labeller: { pools: ['labeller'] } },
      pools: {
        small: pool('vllm', 'small', [['small-r0', worker.url]], {}),
        large: pool('vllm', 'large', [['large-r0', `${worker.url.replace('127.0.0.1', 'localhost')}`]], {}),
        labeller: pool('anthropic', 'claude-haiku-4-5', [['labeller-r0', labeller.url]], { apiKeyEnv: 'ANT_KEY' }),
      },
    },
    env,
  );
  t.teardown(() => own.close());
  const { response } = await own.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
  t.equal(response.headers.get('x-switchyard-reason'), 'complex: llm', "the Message's text was read as the label");
  const [asked] = labeller.requests;
  t.equal(asked?.path, '/v1/messages');
  t.equal(asked?.headers['x-api-key'], 'ant-secret');
  t.match(asked?.body, { model: 'claude-haiku-4-5', max_tokens: 3, temperature: 0 });
  t.type(asked?.body?.['system'], 'string', 'the labelling prompt went as system');
});
