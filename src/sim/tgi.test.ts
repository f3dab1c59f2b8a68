// The TGI flavour: TGI's metric names (no KV-cache gauge) and TGI's error bodies, with the same
// OpenAI-compatible chat, completions and embeddings wire format.

import t from 'tap';
import { startSim } from './server.js';
import { chat, INSTANT, metrics, metricValue, postJson, postRaw, SLOW, waitForMetrics, withFaults } from './test-support.js';

const TGI = { ...INSTANT, flavour: 'tgi' } as const;

t.test('metrics: tgi_queue_size, tgi_batch_current_size, tgi_request_count; no vLLM names', async (t) => {
  const sim = await startSim({ ...SLOW, flavour: 'tgi', maxRunning: 1 });
  t.teardown(() => sim.close());
  const before = await metrics(sim);
  for (const [name, type] of [
    ['tgi_request_count', 'counter'],
    ['tgi_request_success', 'counter'],
    ['tgi_request_failure', 'counter'],
    ['tgi_queue_size', 'gauge'],
    ['tgi_batch_current_size', 'gauge'],
  ] as const) {
    t.match(before, new RegExp(`^# TYPE ${name} ${type}$`, 'm'), name);
  }
  t.notMatch(before, /vllm:|kv_cache/, 'no vLLM names and no KV-cache gauge');
  t.equal(metricValue(before, 'tgi_request_count'), 0);

  const first = postJson(sim, '/v1/completions', { prompt: 'first', max_tokens: 60 });
  const second = postJson(sim, '/v1/completions', { prompt: 'second', max_tokens: 2 });
  await waitForMetrics(sim, 'one running, one queued', (text) => metricValue(text, 'tgi_batch_current_size') === 1 && metricValue(text, 'tgi_queue_size') === 1);
  t.same([(await first).status, (await second).status], [200, 200]);
  const after = await metrics(sim);
  t.same([metricValue(after, 'tgi_request_count'), metricValue(after, 'tgi_request_success')], [2, 2]);
  t.match(after, /^tgi_batch_current_size 0$/m, 'integers without ".0", no labels');
});

t.test('errors in TGI shape: 422 validation, 424 generation for injected faults', async (t) => {
  const sim = await startSim(TGI);
  const failing = await startSim(withFaults(TGI, { errorRate: 1 }));
  t.teardown(() => Promise.all([sim.close(), failing.close()]));
  const invalid = await postJson(sim, '/v1/chat/completions', { messages: [] });
  t.equal(invalid.status, 422);
  t.same(invalid.json, { error: 'Input validation error: messages must be a non-empty array of messages.', error_type: 'validation' });
  const badJson = await fetch(`${sim.url}/v1/completions`, { method: 'POST', body: '{' });
  t.equal(badJson.status, 422);
  t.same(await badJson.json(), { error: 'Input validation error: Request body is not valid JSON.', error_type: 'validation' });

  const failed = await postJson(failing, '/v1/chat/completions', chat('hi'));
  t.equal(failed.status, 424);
  t.same(failed.json, { error: 'Request failed during generation: Injected fault: the engine failed to generate a response.', error_type: 'generation' });
  const counted = await metrics(failing);
  t.equal(metricValue(counted, 'tgi_request_failure{err="generation"}'), 1);
  t.equal(metricValue(counted, 'tgi_request_count'), 1);
});

t.test('the wire format stays OpenAI-compatible', async (t) => {
  const sim = await startSim(TGI);
  t.teardown(() => sim.close());
  const reply = await postJson(sim, '/v1/chat/completions', chat('hello', { max_tokens: 3 }));
  t.match(reply.json, { object: 'chat.completion', usage: { completion_tokens: 3 } });
  const stream = await postRaw(sim, '/v1/chat/completions', chat('hello', { max_tokens: 3, stream: true }));
  t.ok((await stream.text()).endsWith('data: [DONE]\n\n'));
  t.equal((await postJson(sim, '/v1/embeddings', { input: 'x' })).status, 200);
});
