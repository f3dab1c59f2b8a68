// The out-of-the-box promise: the shipped router.yaml, with its simulated engines, serves every
// endpoint to the official SDK with no GPU and no API key.
import t from 'tap';
import OpenAI from 'openai';
import { loadConfigFile } from '../../src/config/load.js';
import { createLogger } from '../../src/observability/logger.js';
import { startRouter } from '../../src/router.js';

const loaded = await loadConfigFile(new URL('../../router.yaml', import.meta.url).pathname);
if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
const router = await startRouter({ config: loaded.config, port: 0, logger: createLogger('silent') });
t.teardown(() => router.shutdown());
const client = new OpenAI({ baseURL: `${router.url}/v1`, apiKey: 'unused', maxRetries: 0 });

t.test('a streamed chat completion through auto', async (t) => {
  const { data: stream, response } = await client.chat.completions
    .create({ model: 'auto', messages: [{ role: 'user', content: 'Say hello' }], stream: true, stream_options: { include_usage: true } })
    .withResponse();
  let text = '';
  let deltas = 0;
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of stream) {
    const content = chunk.choices[0]?.delta.content;
    if (content) {
      text += content;
      deltas++;
    }
    if (chunk.usage) usage = chunk.usage;
  }
  t.ok(text.length > 0, 'text arrived');
  t.equal(usage?.completion_tokens, deltas, 'usage counts the tokens that arrived');
  t.equal(usage?.total_tokens, (usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
  t.equal(response.headers.get('x-switchyard-tier'), 'small');
  t.equal(response.headers.get('x-switchyard-pool'), 'sim-small');
  t.match(response.headers.get('x-switchyard-replica'), /^small-[ab]$/);
});

t.test('without include_usage the client gets no usage chunk (the router still reads it)', async (t) => {
  const res = await fetch(`${router.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'small', messages: [{ role: 'user', content: 'hi' }], stream: true, max_tokens: 3 }),
  });
  const text = await res.text();
  t.notOk(text.includes('"usage":{'), 'no usage chunk');
  t.equal(text.match(/"delta":\{"content"/g)?.length, 3, 'every token arrived');
  t.ok(text.endsWith('data: [DONE]\n\n'));
});

t.test('non-streaming chat is deterministic and spread over the replicas', async (t) => {
  const ask = () => client.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'same question' }], max_tokens: 8 }).withResponse();
  const answers = new Set<string>();
  const replicas = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const { data, response } = await ask();
    answers.add(data.choices[0]?.message.content ?? '');
    replicas.add(response.headers.get('x-switchyard-replica') ?? '');
    t.equal(data.usage?.completion_tokens, 8);
    t.equal(data.choices[0]?.finish_reason, 'length');
  }
  t.equal(answers.size, 1, 'the same question gets the same answer on every replica');
  t.same([...replicas].sort(), ['small-a', 'small-b'], 'idle replicas share the work');
});

t.test('completions and embeddings (the SDK asks for base64 by default)', async (t) => {
  const completion = await client.completions.create({ model: 'large', prompt: 'Once upon a time', max_tokens: 4 });
  t.equal(completion.usage?.completion_tokens, 4);
  const embedding = await client.embeddings.create({ model: 'embed', input: ['one', 'two'] });
  t.equal(embedding.data.length, 2);
  t.equal(embedding.data[0]?.embedding.length, 256, 'embeddingDimensions from router.yaml');
});

t.test('models lists the aliases of router.yaml', async (t) => {
  const models = await client.models.list();
  t.same(
    models.data.map((m) => m.id),
    ['auto', 'small', 'large', 'embed'],
  );
});
