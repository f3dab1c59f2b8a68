// Continuous batching over real HTTP: the running/waiting gauges and the KV-cache gauge the router's
// load-aware balancing reads, while slow requests are in flight.

import t from 'tap';
import { startSim } from './server.js';
import { chat, metricValue, postJson, postRaw, readBody, SLOW, vllm, waitForMetrics, type Json } from './test-support.js';

t.test('maxRunning 2 and 5 concurrent requests: 2 running, 3 waiting, all complete', async (t) => {
  const sim = await startSim({ ...SLOW, maxRunning: 2 });
  t.teardown(() => sim.close());
  const replies = Array.from({ length: 5 }, (_, i) => postJson(sim, '/v1/chat/completions', chat(`request ${i}`, { max_tokens: 40 })));
  const busy = await waitForMetrics(sim, 'running 2, waiting 3', (text) => metricValue(text, vllm.running) === 2 && metricValue(text, vllm.waiting) === 3);
  t.ok(metricValue(busy, vllm.kvCache) > 0, 'running sequences hold KV cache');

  for (const reply of await Promise.all(replies)) {
    t.equal(reply.status, 200);
    // 4 template tokens + 2 words + 3 reply-priming tokens.
    t.same(reply.json['usage'], { prompt_tokens: 9, completion_tokens: 40, total_tokens: 49 });
  }
  const idle = await waitForMetrics(sim, 'idle', (text) => metricValue(text, vllm.running) === 0);
  t.equal(metricValue(idle, vllm.waiting), 0);
  t.equal(metricValue(idle, vllm.kvCache), 0, 'the cache is free again');
  t.equal(metricValue(idle, `vllm:request_success_total{finished_reason="length",model_name="${SLOW.servedModel}"}`), 5);
  t.equal(metricValue(idle, `vllm:generation_tokens_total{model_name="${SLOW.servedModel}"}`), 200);
});

t.test('a queued stream gets its headers at once and its tokens once a slot frees', async (t) => {
  const sim = await startSim({ ...SLOW, maxRunning: 1 });
  t.teardown(() => sim.close());
  const first = postJson(sim, '/v1/completions', { prompt: 'first', max_tokens: 60 });
  await waitForMetrics(sim, 'one running', (text) => metricValue(text, vllm.running) === 1);
  const queued = await postRaw(sim, '/v1/completions', { prompt: 'second', max_tokens: 5, stream: true });
  t.equal(queued.status, 200, 'headers while waiting');
  await waitForMetrics(sim, 'the stream waiting', (text) => metricValue(text, vllm.waiting) === 1);
  const body = await readBody(queued);
  t.notOk(body.cut);
  t.ok(body.text.endsWith('data: [DONE]\n\n'));
  t.equal((await first).status, 200);
});

t.test('a client leaving the queue frees its place at once', async (t) => {
  const sim = await startSim({ ...SLOW, maxRunning: 1 });
  t.teardown(() => sim.close());
  const holder = new AbortController();
  const running = postRaw(sim, '/v1/completions', { prompt: 'hold', max_tokens: 20_000 }, holder.signal);
  await waitForMetrics(sim, 'one running', (text) => metricValue(text, vllm.running) === 1);
  const waiter = new AbortController();
  const waiting = postRaw(sim, '/v1/completions', { prompt: 'wait', max_tokens: 5 }, waiter.signal);
  await waitForMetrics(sim, 'one waiting', (text) => metricValue(text, vllm.waiting) === 1);
  waiter.abort();
  await t.rejects(waiting, { name: 'AbortError' });
  const after = await waitForMetrics(sim, 'queue empty', (text) => metricValue(text, vllm.waiting) === 0);
  t.equal(metricValue(after, vllm.running), 1, 'the running request is untouched');
  t.equal(metricValue(after, vllm.aborted), 1);
  holder.abort();
  await running.catch(() => undefined);
  const idle = await waitForMetrics(sim, 'idle', (text) => metricValue(text, vllm.running) === 0);
  t.equal(metricValue(idle, vllm.aborted), 2);
  t.equal(metricValue(idle, vllm.kvCache), 0);
});

t.test('zero-delay mode with maxRunning 1: concurrent requests all answered in full', async (t) => {
  const sim = await startSim({ ...SLOW, ttftMs: 0, tokensPerSecond: 0, maxRunning: 1 });
  t.teardown(() => sim.close());
  const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => postJson(sim, '/v1/completions', { prompt: `p${i}`, max_tokens: 3 })));
  t.same(
    replies.map((reply) => (reply.json['usage'] as Json)['completion_tokens']),
    Array(20).fill(3),
  );
});
