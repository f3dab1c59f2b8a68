// Serves one GenerationPlan through the engine's batch: the request is submitted as a sequence, may
// wait in the queue, and once running is paced by the latency model (pacing.ts). Streams send their
// headers at once (as vLLM's do, even while queued) and token k of every choice at step k;
// non-streaming responses count tokens as they are generated and write the body at the end.
// Zero-delay mode writes the whole response in the same tick, without timers.
// A client that disconnects ends its sequence at once (running or waiting) as aborted.

import type { ServerResponse } from 'node:http';
import type { Fate } from './faults.js';
import { runPaced, type LatencyModel } from './pacing.js';
import { completionTokensOf, stepCountOf, usageOf, type GenerationPlan } from './plan.js';
import { renderStep, renderSteps, stepTokens, tokensBefore } from './render-steps.js';
import { sendJson, SSE_HEADERS } from './reply.js';
import { Sequence, type FinishedReason, type SimState } from './state.js';
import { STREAM_END, type WireFormat } from './wire.js';

export interface Batch {
  readonly state: SimState;
  readonly latency: LatencyModel;
}

export function serveGeneration(res: ServerResponse, plan: GenerationPlan, wire: WireFormat, batch: Batch, fate: Exclude<Fate, 'fail'>): void {
  const { state, latency } = batch;
  const steps = stepCountOf(plan);
  // A dropped stream is cut after half its steps, but always after the first: the client has been
  // committed to this replica before the connection dies, which is the case worth simulating.
  const cutAfter = fate === 'drop' && plan.stream ? Math.max(1, Math.floor(steps / 2)) : Infinity;
  let finished = false;
  let cancel = (): void => {};
  const complete = (): void => {
    finished = true;
    state.finish(sequence, finishedReasonOf(plan));
  };

  const start = (): void => {
    if (fate === 'hang') return; // holds its slot and KV cache until the client gives up
    if (latency.instant) return writeInstant(res, plan, wire, cutAfter, state, sequence, complete);
    cancel = runPaced(latency.ttftMs(plan.promptTokens), () => latency.intervalMs(state.running), steps, {
      step: (k) => {
        state.generated(sequence, stepTokens(plan, k));
        if (!plan.stream) return 'flowing';
        if (k === cutAfter - 1) {
          // Destroy once this last chunk is flushed, so the client really receives half a stream.
          res.write(renderStep(plan, wire, k), () => res.destroy());
          return 'stop';
        }
        return res.write(renderStep(plan, wire, k)) ? 'flowing' : 'full';
      },
      waitForDrain: (resume) => res.once('drain', resume),
      done: () => {
        complete();
        if (plan.stream) res.end(wire.usage(usageOf(plan)) + STREAM_END);
        else sendJson(res, 200, wire.body(plan));
      },
    });
  };
  const sequence = new Sequence(plan.promptTokens, start);

  res.on('close', () => {
    if (finished) return;
    cancel();
    state.finish(sequence, 'abort');
  });
  if (plan.stream && fate !== 'hang' && !latency.instant) {
    res.writeHead(200, SSE_HEADERS);
    res.flushHeaders();
  }
  state.submit(sequence);
}

/** Zero-delay mode: the entire response (or the first half of a dropped stream) in one write. */
function writeInstant(res: ServerResponse, plan: GenerationPlan, wire: WireFormat, cutAfter: number, state: SimState, sequence: Sequence, complete: () => void): void {
  if (!plan.stream) {
    state.generated(sequence, completionTokensOf(plan));
    complete();
    return sendJson(res, 200, wire.body(plan));
  }
  res.writeHead(200, SSE_HEADERS);
  const steps = stepCountOf(plan);
  if (Number.isFinite(cutAfter)) {
    state.generated(sequence, tokensBefore(plan, cutAfter));
    res.write(renderSteps(plan, wire, 0, cutAfter), () => res.destroy());
    return;
  }
  state.generated(sequence, completionTokensOf(plan));
  complete();
  res.end(renderSteps(plan, wire, 0, steps) + wire.usage(usageOf(plan)) + STREAM_END);
}

/** The engine's view of how the request ended (a tool call is an ordinary stop there). */
function finishedReasonOf(plan: GenerationPlan): FinishedReason {
  return plan.choices.some((choice) => choice.finishReason === 'length') ? 'length' : 'stop';
}
