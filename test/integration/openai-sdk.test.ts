// The router as an OpenAI SDK user sees it: every endpoint, streaming and not, passthrough of
// fields it does not own, the routing headers, usage-chunk handling, aborts and broken streams.
import t from 'tap';
import { chatStreamEvents, startFakeEngine } from '../fixtures/fake-engine.js';
import { configFor, startTestRouter } from '../fixtures/start-router.js';

const engine = await startFakeEngine();
const test = await startTestRouter(configFor({ chat: [engine.url] }));
t.teardown(async () => {
  await test.close();
  await engine.close();
});

t.beforeEach(() => {
  engine.requests.length = 0;
});

t.test('non-streaming chat: the body passes through, only model is replaced', async (t) => {
  const tools = [{ type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];
  const { data, response } = await test.client.chat.completions
    .create({
      model: 'chat',
      messages: [{ role: 'user', content: 'hello there' }],
      tools,
      tool_choice: 'auto',
      response_format: { type: 'json_object' },
      n: 2,
      logprobs: true,
      seed: 7,
      stop: ['\n\n'],
      user: 'u-1',
      // A field this SDK version does not know about must still reach the engine.
      ...{ future_field: { nested: [1, 2] } },
    })
    .withResponse();
  t.equal(data.choices[0]?.message.content, 'echo: hello there');
  t.same(data.usage, { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
  const sent = engine.requests[0]?.body;
  t.same(sent, {
    model: 'served-chat',
    messages: [{ role: 'user', content: 'hello there' }],
    tools,
    tool_choice: 'auto',
    response_format: { type: 'json_object' },
    n: 2,
    logprobs: true,
    seed: 7,
    stop: ['\n\n'],
    user: 'u-1',
    future_field: { nested: [1, 2] },
  });
  t.equal(engine.requests[0]?.path, '/v1/chat/completions');
  t.equal(response.headers.get('x-switchyard-model'), 'chat');
  t.equal(response.headers.get('x-switchyard-tier'), 'chat');
  t.equal(response.headers.get('x-switchyard-pool'), 'chat');
  t.equal(response.headers.get('x-switchyard-replica'), 'chat-r0');
  t.match(response.headers.get('x-request-id'), /^[\w-]{8,}$/);
  t.notOk(engine.requests[0]?.headers['authorization'], 'the client key is not forwarded to a self-hosted engine');
});

t.test('tool calls in the response pass through untouched', async (t) => {
  const toolResponse = {
    id: 'chatcmpl-tools',
    object: 'chat.completion',
    created: 1700000000,
    model: 'served-chat',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }],
        },
        finish_reason: 'tool_calls',
      },
    ],
    usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
  };
  engine.reply({ kind: 'json', body: toolResponse });
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'x' }] }),
  });
  t.equal(res.status, 200);
  t.equal(await res.text(), JSON.stringify(toolResponse), 'byte for byte');
});

t.test('streaming chat: chunks arrive in order, usage chunk hidden unless asked', async (t) => {
  engine.reply({ kind: 'stream', events: chatStreamEvents(['Hel', 'lo', '!']) });
  const stream = await test.client.chat.completions.create({
    model: 'chat',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
  });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  t.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Hello!');
  t.notOk(
    chunks.some((c) => c.usage),
    'no usage chunk the client did not ask for',
  );
  t.same(engine.requests[0]?.body?.['stream_options'], { include_usage: true }, 'usage always requested upstream');
  const log = test.requestLogs().at(-1);
  t.equal(log?.['promptTokens'], 5);
  t.equal(log?.['completionTokens'], 3);
  t.equal(log?.['outcome'], 'ok');
});

t.test('streaming chat with include_usage: the usage chunk reaches the client', async (t) => {
  engine.reply({ kind: 'stream', events: chatStreamEvents(['a', 'b']) });
  const stream = await test.client.chat.completions.create({
    model: 'chat',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  const usages = [];
  for await (const chunk of stream) if (chunk.usage) usages.push(chunk.usage);
  t.same(usages, [{ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 }]);
});

t.test('engines that write JSON with spaces and send "usage": null in every chunk: only the real usage chunk is read and withheld', async (t) => {
  // Python's json.dumps puts a space after each colon; OpenAI-style servers repeat "usage": null.
  const spaced = chatStreamEvents(['x', 'y'], { prompt_tokens: 11, completion_tokens: 2 }).map((event) => {
    const chunk = JSON.parse(event) as Record<string, unknown>;
    return JSON.stringify('usage' in chunk ? chunk : { ...chunk, usage: null }).replaceAll('":', '": ');
  });
  engine.reply({ kind: 'stream', events: spaced });
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], stream: true }),
  });
  const events = (await res.text()).split('\n\n').filter(Boolean);
  t.equal(events.at(-1), 'data: [DONE]');
  t.equal(events.length, spaced.length, 'every chunk but the usage chunk, then [DONE]');
  t.ok(
    events.slice(0, -1).every((event) => event.includes('"usage": null')),
    'chunks with "usage": null pass through untouched',
  );
  const log = test.requestLogs().at(-1);
  t.equal(log?.['promptTokens'], 11);
  t.equal(log?.['completionTokens'], 2);
});

t.test('a stream that breaks after commit raises in the SDK', async (t) => {
  engine.reply({ kind: 'stream', events: chatStreamEvents(['one', 'two', 'three']), dropAfter: 2 });
  const stream = await test.client.chat.completions.create({
    model: 'chat',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
  });
  const seen: string[] = [];
  await t.rejects(
    (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
    })(),
    { code: 'stream_interrupted', type: 'server_error' },
  );
  t.same(seen, ['', 'one'], 'what arrived before the break was delivered');
  t.equal(test.requestLogs().at(-1)?.['outcome'], 'stream_interrupted');
});

t.test('the raw stream ends with one error event and no [DONE]', async (t) => {
  engine.reply({ kind: 'stream', events: chatStreamEvents(['x', 'y']), dropAfter: 2 });
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'x' }], stream: true }),
  });
  const text = await res.text();
  const events = text.split('\n\n').filter(Boolean);
  t.notOk(text.includes('[DONE]'));
  t.same(JSON.parse(events.at(-1)?.slice('data: '.length) ?? ''), {
    error: {
      message: 'The stream from replica chat-r0 broke off: Could not reach replica chat-r0 (UND_ERR_SOCKET).',
      type: 'server_error',
      param: null,
      code: 'stream_interrupted',
    },
  });
});

t.test('a stream that ends without [DONE] is reported, not passed off as complete', async (t) => {
  engine.reply({ kind: 'stream', events: chatStreamEvents(['x']), done: false });
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'x' }], stream: true }),
  });
  const events = (await res.text()).split('\n\n').filter(Boolean);
  t.same(JSON.parse(events.at(-1)?.slice('data: '.length) ?? ''), {
    error: {
      message: 'Replica chat-r0 closed the stream before it finished.',
      type: 'server_error',
      param: null,
      code: 'stream_interrupted',
    },
  });
});

t.test('a client that disconnects mid-stream aborts the upstream request', async (t) => {
  engine.reply({ kind: 'stream', events: chatStreamEvents(Array.from({ length: 50 }, (_, i) => `w${i}`)), delayMs: 20 });
  const closed = engine.nextEarlyClose();
  const controller = new AbortController();
  const stream = await test.client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], stream: true }, { signal: controller.signal });
  let received = 0;
  // The SDK ends iteration quietly when its own signal aborts.
  for await (const _chunk of stream) {
    if (++received === 3) controller.abort();
  }
  t.equal(received, 3);
  const request = await closed;
  t.ok(request.closedEarly, 'the engine saw its request closed before it finished');
});

t.test('a client that stops reading for a while still gets every event of a long stream, in order', async (t) => {
  // ~6 MB: more than loopback buffers hold, so the router must hold back the engine while the
  // client is not reading, and let it go again when the client reads on.
  const words = Array.from({ length: 6000 }, (_, i) => ` w${i}${'x'.repeat(1000)}`);
  engine.reply({ kind: 'stream', events: chatStreamEvents(words) });
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], stream: true }),
  });
  const reader = res.body!.getReader();
  const first = await reader.read();
  await new Promise((resolve) => setTimeout(resolve, 300));
  let text = Buffer.from(first.value ?? []).toString('utf8');
  for (let next = await reader.read(); !next.done; next = await reader.read()) text += Buffer.from(next.value).toString('utf8');
  const events = text.split('\n\n').filter((event) => event !== '');
  const content = events
    .filter((event) => event !== 'data: [DONE]')
    .map((event) => (JSON.parse(event.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '')
    .join('');
  t.equal(content, words.join(''), 'every word, in order');
  t.equal(events.at(-1), 'data: [DONE]');
});

t.test('completions, streaming and not', async (t) => {
  const completion = {
    id: 'cmpl-1',
    object: 'text_completion',
    created: 1700000000,
    model: 'served-chat',
    choices: [{ index: 0, text: ' world', finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 },
  };
  engine.reply({ kind: 'json', body: completion });
  const result = await test.client.completions.create({ model: 'chat', prompt: 'hello', max_tokens: 5 });
  t.equal(result.choices[0]?.text, ' world');
  t.equal(engine.requests[0]?.path, '/v1/completions');
  t.same(engine.requests[0]?.body, { model: 'served-chat', prompt: 'hello', max_tokens: 5 });

  const textChunk = (text: string) => JSON.stringify({ id: 'cmpl-2', object: 'text_completion', created: 1, model: 'm', choices: [{ index: 0, text, finish_reason: null }] });
  engine.reply({ kind: 'stream', events: [textChunk('a'), textChunk('b')] });
  const stream = await test.client.completions.create({ model: 'chat', prompt: 'x', stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
  t.equal(text, 'ab');
});

t.test('embeddings', async (t) => {
  const vector = [0.1, 0.2, 0.3];
  engine.reply({
    kind: 'json',
    body: {
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: vector }],
      model: 'served-chat',
      usage: { prompt_tokens: 3, total_tokens: 3 },
    },
  });
  const result = await test.client.embeddings.create({ model: 'chat', input: 'some text', encoding_format: 'float' });
  t.same(result.data[0]?.embedding, vector);
  t.equal(engine.requests[0]?.path, '/v1/embeddings');
  t.equal(test.requestLogs().at(-1)?.['promptTokens'], 3);
});

t.test('models list and lookup', async (t) => {
  const list = await test.client.models.list();
  t.same(
    list.data.map((m) => [m.id, m.object, m.owned_by]),
    [['chat', 'model', 'switchyard']],
  );
  const one = await test.client.models.retrieve('chat');
  t.equal(one.id, 'chat');
  await t.rejects(test.client.models.retrieve('nope'), { status: 404, code: 'model_not_found', param: 'model' });
});
