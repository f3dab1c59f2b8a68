// The batching scheduler on its own: slots, FIFO order, KV-cache admission, aborts from the queue.

import t from 'tap';
import { SIM_DEFAULTS } from '../config/defaults.js';
import { latencyOf } from './pacing.js';
import { Sequence, SimState } from './state.js';

function at<T>(list: readonly (T | undefined)[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`no item ${index}`);
  return item;
}

function submitAll(state: SimState, prompts: readonly number[], started: number[]): Sequence[] {
  return prompts.map((prompt, index) => {
    const sequence = new Sequence(prompt, () => started.push(index));
    state.submit(sequence);
    return sequence;
  });
}

t.test('at most maxRunning run; the rest wait and start first-come first-served', async (t) => {
  const state = new SimState(2, 1_000_000);
  const started: number[] = [];
  const sequences = submitAll(state, [10, 10, 10, 10, 10], started);
  t.same([state.running, state.waiting, started], [2, 3, [0, 1]]);
  state.finish(at(sequences, 1), 'stop');
  t.same([state.running, state.waiting, started], [2, 2, [0, 1, 2]]);
  // An aborted waiting request leaves the queue without ever starting.
  state.finish(at(sequences, 3), 'abort');
  t.same([state.running, state.waiting, state.finishedTotal.abort], [2, 1, 1]);
  state.finish(at(sequences, 0), 'length');
  t.same(started, [0, 1, 2, 4]);
  state.finish(at(sequences, 0), 'length');
  t.equal(state.finishedTotal.length, 1, 'finishing twice counts once');
});

t.test('KV cache: prompt plus generated tokens of running sequences, freed on finish', async (t) => {
  const state = new SimState(4, 1000);
  const [a, b] = submitAll(state, [100, 300], []);
  if (a === undefined || b === undefined) return t.fail('missing');
  t.equal(state.kvCacheUsage, 0.4);
  state.generated(a, 100);
  t.equal(state.kvCacheUsage, 0.5);
  t.same([state.promptTokensTotal, state.generationTokensTotal], [400, 100]);
  state.finish(a, 'stop');
  t.equal(state.kvCacheUsage, 0.3);
  state.finish(b, 'abort');
  t.equal(state.kvCacheUsage, 0);
});

t.test('a prompt that does not fit the free cache waits, and nobody overtakes it', async (t) => {
  const state = new SimState(8, 1000);
  const started: number[] = [];
  const [big] = submitAll(state, [800, 300, 10], started);
  t.same([started, state.waiting], [[0], 2], 'the 300-token prompt waits; the 10-token one stays behind it');
  state.finish(at([big], 0), 'stop');
  t.same(started, [0, 1, 2]);
  const alone = new SimState(8, 100);
  alone.submit(new Sequence(5000, () => started.push(99)));
  t.equal(alone.running, 1, 'a sequence alone always runs, however long its prompt');
  t.equal(alone.kvCacheUsage, 1, 'the gauge is capped at 1');
});

t.test('a sequence that finishes inside its own start lets the queue move on', async (t) => {
  const state = new SimState(1, 1000);
  const blocker = new Sequence(1, () => {});
  state.submit(blocker);
  const order: string[] = [];
  for (const name of ['x', 'y']) {
    const sequence: Sequence = new Sequence(1, () => {
      order.push(name);
      state.finish(sequence, 'stop');
    });
    state.submit(sequence);
  }
  state.finish(blocker, 'stop');
  t.same(order, ['x', 'y']);
  t.same([state.running, state.waiting], [0, 0]);
});

t.test('latency model: prompt term, batch slowdown, slowFactor, zero-delay mode', async (t) => {
  const model = latencyOf({ ...SIM_DEFAULTS, ttftMs: 100, tokensPerSecond: 50, maxRunning: 4 });
  t.equal(model.instant, false);
  t.equal(model.ttftMs(0), 100);
  t.equal(model.ttftMs(2048), 200);
  t.equal(model.intervalMs(0), 20);
  t.equal(model.intervalMs(2), 25);
  t.equal(model.intervalMs(4), 30, 'a full batch is 1.5× slower per token');
  const slowFaults = { ...SIM_DEFAULTS.faults, slowFactor: 3 };
  const slow = latencyOf({ ...SIM_DEFAULTS, ttftMs: 100, tokensPerSecond: 50, maxRunning: 4, faults: slowFaults });
  t.same([slow.ttftMs(0), slow.intervalMs(4)], [300, 90]);
  const instant = latencyOf({ ...SIM_DEFAULTS, ttftMs: 0, tokensPerSecond: 0, faults: slowFaults });
  t.same([instant.instant, instant.ttftMs(5000), instant.intervalMs(10)], [true, 0, 0]);
});
