// Injected faults over real HTTP: error rate, hanging, dying after N requests, streams cut midway.
// Shares are checked over many requests with a fixed seed, so the counts are reproducible.

import t from 'tap';
import { startSim, type SimServer } from './server.js';
import { causeCode, chat, INSTANT, metricValue, postJson, postRaw, readBody, SLOW, vllm, waitForMetrics, withFaults } from './test-support.js';

async function failures(sim: SimServer, count: number): Promise<number[]> {
  const failed: number[] = [];
  for (let i = 0; i < count; i++) {
    const reply = await postJson(sim, '/v1/chat/completions', chat(`request ${i}`, { max_tokens: 2 }));
    if (reply.status !== 200) failed.push(i);
  }
  return failed;
}

t.test('errorRate: vLLM error body, share close to the rate, reproducible per seed', async (t) => {
  const options = { ...withFaults(INSTANT, { errorRate: 0.5 }), seed: 42 };
  const sim = await startSim(options);
  t.teardown(() => sim.close());
  const reply = await postJson(sim, '/v1/completions', { prompt: 'x', n: 1 });
  const failed = await failures(sim, 200);
  t.ok(failed.length >= 80 && failed.length <= 120, `share ${failed.length}/200 near 0.5`);
  const again = await startSim(options);
  t.teardown(() => again.close());
  await postJson(again, '/v1/completions', { prompt: 'x', n: 1 });
  t.same(await failures(again, 200), failed, 'same seed, same failing requests');

  let error = reply;
  while (error.status === 200) error = await postJson(sim, '/v1/completions', { prompt: 'x' });
  t.equal(error.status, 500);
  t.same(error.json, {
    error: {
      message: 'Injected fault: the engine failed to generate a response.',
      type: 'InternalServerError',
      param: null,
      code: 500,
    },
  });
  const invalid = await postJson(sim, '/v1/completions', { max_tokens: 3 });
  t.equal(invalid.status, 400, 'validation comes before faults');
});

t.test('errorRate 0 fails nothing, 1 fails everything (embeddings too)', async (t) => {
  const never = await startSim(withFaults(INSTANT, { errorRate: 0 }));
  const always = await startSim(withFaults(INSTANT, { errorRate: 1 }));
  t.teardown(() => Promise.all([never.close(), always.close()]));
  t.equal((await failures(never, 50)).length, 0);
  t.equal((await failures(always, 50)).length, 50);
  t.equal((await postJson(always, '/v1/embeddings', { input: 'x' })).status, 500);
  t.equal((await fetch(`${always.url}/health`)).status, 200, 'health stays 200');
});

t.test('hang: no answer until the client gives up; the slot is freed then', async (t) => {
  const sim = await startSim(withFaults(INSTANT, { hang: true }));
  t.teardown(() => sim.close());
  const timedOut = postRaw(sim, '/v1/chat/completions', chat('hello', { stream: true }), AbortSignal.timeout(200));
  await t.rejects(timedOut, { name: 'TimeoutError' }, 'a client timeout, with no headers');
  await waitForMetrics(sim, 'timed-out request released', (text) => metricValue(text, vllm.aborted) === 1);

  const controller = new AbortController();
  const hung = postRaw(sim, '/v1/completions', { prompt: 'x' }, controller.signal);
  let settled = false;
  void hung.then(
    () => (settled = true),
    () => (settled = true),
  );
  const busy = await waitForMetrics(sim, 'one running', (text) => metricValue(text, vllm.running) === 1);
  t.ok(metricValue(busy, vllm.kvCache) > 0, 'a hung request holds its cache');
  t.equal((await fetch(`${sim.url}/health`)).status, 200, 'health stays 200 while hanging');
  t.notOk(settled, 'still no answer');
  controller.abort();
  await t.rejects(hung, { name: 'AbortError' });
  const idle = await waitForMetrics(sim, 'released', (text) => metricValue(text, vllm.running) === 0);
  t.equal(metricValue(idle, vllm.aborted), 2);
});

t.test('dieAfterRequests 3: three answered, then connections are refused', async (t) => {
  const sim = await startSim(withFaults(INSTANT, { dieAfterRequests: 3 }));
  t.teardown(() => sim.close());
  for (let i = 1; i <= 3; i++) {
    const res = await postRaw(sim, '/v1/completions', { prompt: `p${i}`, max_tokens: 2 });
    t.equal(res.status, 200, `request ${i} answered`);
    t.equal(res.headers.get('connection'), i === 3 ? 'close' : 'keep-alive');
    await res.text();
  }
  const fourth = await postRaw(sim, '/v1/completions', { prompt: 'p4' }).catch((error: unknown) => error);
  t.equal(causeCode(fourth), 'ECONNREFUSED');
  const health = await fetch(`${sim.url}/health`).catch((error: unknown) => error);
  t.equal(causeCode(health), 'ECONNREFUSED', 'health is not answered either');
});

t.test('dying cuts requests still in flight', async (t) => {
  const sim = await startSim(withFaults(SLOW, { dieAfterRequests: 2 }));
  t.teardown(() => sim.close());
  const long = await postRaw(sim, '/v1/completions', { prompt: 'long', max_tokens: 20_000, stream: true });
  const last = await postJson(sim, '/v1/completions', { prompt: 'short', max_tokens: 2 });
  t.equal(last.status, 200, 'the Nth request is answered');
  const body = await readBody(long);
  t.ok(body.cut, 'the other stream is cut');
  t.notMatch(body.text, /\[DONE\]/);
});

t.test('dropMidStreamRate 1: streams cut after half their tokens, without [DONE]', async (t) => {
  for (const base of [INSTANT, SLOW]) {
    const sim = await startSim(withFaults(base, { dropMidStreamRate: 1 }));
    t.teardown(() => sim.close());
    const res = await postRaw(sim, '/v1/completions', { prompt: 'cut me', max_tokens: 10, stream: true });
    t.equal(res.status, 200);
    const body = await readBody(res);
    t.ok(body.cut, 'the connection is destroyed');
    t.notMatch(body.text, /\[DONE\]/);
    const pieces = body.text.split('\n\n').filter((frame) => frame.startsWith('data: {'));
    t.equal(pieces.length, 5, 'half of the 10 tokens arrived');
    const whole = await postJson(sim, '/v1/completions', { prompt: 'not a stream', max_tokens: 10 });
    t.equal(whole.status, 200, 'non-streaming requests are not dropped');
    const idle = await waitForMetrics(sim, 'aborted', (text) => metricValue(text, vllm.aborted) === 1);
    t.equal(metricValue(idle, vllm.running), 0);
  }
});
