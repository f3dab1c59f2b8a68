// A client that hangs up while its request is still being classified is noticed at once: no replica
// is asked, no replica's counters move, the key's reservation is never made (or settled at zero),
// and the access line says 499 / client_abort.
//
// The classifier's embeddings pool is a fake vLLM that answers the examples at start-up and stalls
// on the request's own text. Its answers are vLLM's EmbeddingResponse
// (vllm-project/vllm vllm/entrypoints/openai/protocol.py: EmbeddingResponse, EmbeddingResponseData).
import { createHash } from 'node:crypto';
import t from 'tap';
import { startFakeEngine, type Behaviour, type RecordedRequest } from '../fixtures/fake-engine.js';
import { startTestRouter } from '../fixtures/start-router.js';
import { waitFor } from '../fixtures/wait.js';

const [chat, embed] = await Promise.all([startFakeEngine(), startFakeEngine()]);
t.teardown(() => Promise.all([chat.close(), embed.close()]));

/** Inference requests the chat engine received (the router may also GET its /v1/models). */
const chatPosts = () => chat.requests.filter((received) => received.method === 'POST');
const SLOW = 'a request whose embedding never comes';
embed.respond = (request: RecordedRequest): Behaviour | null => {
  const input = request.body?.['input'];
  const texts = Array.isArray(input) ? input.map(String) : [String(input)];
  if (texts.some((text) => text.includes(SLOW))) return { kind: 'stall' };
  return {
    kind: 'json',
    body: {
      id: 'embd-5e0f3c1a9b7d4e2f',
      object: 'list',
      created: 1735000000,
      model: 'served-embed',
      data: texts.map((text, index) => ({ index, object: 'embedding', embedding: text.length % 2 === 0 ? [1, 0] : [0, 1] })),
      usage: { prompt_tokens: texts.length, total_tokens: texts.length, completion_tokens: 0, prompt_tokens_details: null },
    },
  };
};

const SECRET = 'sy-test-secret-for-client-abort';
const pool = (name: string, url: string) => ({
  engine: 'vllm',
  servedModel: `served-${name}`,
  healthCheck: { intervalMs: 0 },
  engineMetrics: { intervalMs: 0 },
  replicas: [{ name: `${name}-r0`, url }],
});
const test = await startTestRouter({
  logging: { level: 'info' },
  // Without noticing the client left, the request would sit here 1.5 s, fall back to the heuristic,
  // and be sent to the chat replica for no one.
  classifier: { mode: 'embeddings', embeddings: { pool: 'embed', timeoutMs: 1500, examples: { simple: ['hi'], moderate: ['sum up'], complex: ['prove it'] } } },
  auth: {
    required: true,
    keys: [{ id: 'team', hash: createHash('sha256').update(SECRET).digest('hex'), prefix: SECRET.slice(0, 8), limits: { maxConcurrent: 1, tokensPerMinute: 100_000 } }],
  },
  models: { auto: { tiers: ['chat'], classify: true } },
  tiers: { chat: { pools: ['chat'] } },
  pools: { chat: pool('chat', chat.url), embed: pool('embed', embed.url) },
});
t.teardown(() => test.close());

t.test('a client gone during classification: no attempt, nothing counted, 499 in the access line', async (t) => {
  const client = test.client.withOptions({ apiKey: SECRET });
  const controller = new AbortController();
  const asked = client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: SLOW }] }, { signal: controller.signal });
  await waitFor('the classifier to ask the embeddings pool', async () => embed.requests.some((request) => request.text.includes(SLOW)));
  controller.abort();
  await t.rejects(asked, { message: 'Request was aborted.' }, 'the SDK gave up (APIUserAbortError)');

  const line = await waitFor('the access line', async () => test.requestLogs().find((entry) => entry['path'] === '/v1/chat/completions'));
  t.match(line, { status: 499, outcome: 'client_abort', model: 'auto' });
  t.notOk('attempts' in line || 'replica' in line, 'no attempt was made');
  t.equal(chatPosts().length, 0, 'the chat engine was never asked');

  const replica = test.router.state.runtime.pools.get('chat')?.replicas[0];
  t.equal(replica?.inFlight, 0, 'nothing in flight');
  t.equal(replica?.outlier.consecutiveFailures, 0, 'no failure counted against the replica');
  t.equal(replica?.latency.ewmaMs, null, 'no latency sample');
  const metrics = await test.router.metrics.registry.metrics();
  t.notMatch(metrics, /^switchyard_attempts_total\{[^}]*pool="chat"/m, 'no attempt in the metrics');

  // The key holds no reservation: its one concurrent slot is free, and the next request is served.
  const served = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
  t.equal(served.choices[0]?.message.content, 'echo: hi');
  t.equal(chatPosts().length, 1);
});

t.test('a client gone while its attempt waits for the answer: the attempt is counted as client_abort, as logged', async (t) => {
  const client = test.client.withOptions({ apiKey: SECRET });
  chat.respond = () => ({ kind: 'stall' });
  t.teardown(() => {
    chat.respond = null;
  });
  const controller = new AbortController();
  const asked = client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'a question left waiting' }] }, { signal: controller.signal });
  const before = chatPosts().length;
  await waitFor('the attempt to reach the replica', async () => chatPosts().length > before);
  controller.abort();
  await t.rejects(asked);
  const line = await waitFor('the access line', async () => test.requestLogs().find((entry) => entry['status'] === 499 && Array.isArray(entry['attempts'])));
  t.match(line['attempts'], [{ replica: 'chat-r0', outcome: 'client_abort' }]);
  const metrics = await test.router.metrics.registry.metrics();
  t.match(metrics, /^switchyard_attempts_total\{pool="chat",replica="chat-r0",outcome="client_abort"\} 1$/m);
});
