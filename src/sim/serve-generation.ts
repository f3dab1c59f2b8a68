// Writes a GenerationPlan to the client, paced like a real engine: non-streaming responses wait the
// whole generation time, streams send token k of every choice at step k. In zero-delay mode the
// whole response is one write with no timers. A client that disconnects stops generation at once:
// timers are cleared and the request is released as aborted.

import type { ServerResponse } from 'node:http';
import { isInstant, runPaced, totalDelayMs, type Pace } from './pacing.js';
import { completionTokensOf, stepCountOf, stepsOf, usageOf, type GenerationPlan } from './plan.js';
import { sendJson, SSE_HEADERS } from './reply.js';
import type { FinishedReason, SimState } from './state.js';
import { STREAM_END, type WireFormat } from './wire.js';

export function serveGeneration(
  res: ServerResponse,
  plan: GenerationPlan,
  wire: WireFormat,
  pace: Pace,
  state: SimState,
): void {
  const completionTokens = completionTokensOf(plan);
  const admission = state.admit(plan.promptTokens, completionTokens);
  const reason = finishedReasonOf(plan);
  const release = (generated: number, how: FinishedReason): void => state.release(admission, generated, how);

  if (isInstant(pace)) {
    release(completionTokens, reason);
    if (!plan.stream) return sendJson(res, 200, wire.body(plan));
    res.writeHead(200, SSE_HEADERS);
    res.end(renderWholeStream(plan, wire));
    return;
  }

  let finished = false;
  let generated = 0;
  let cancel = (): void => {};
  res.on('close', () => {
    if (finished) return;
    cancel();
    release(generated, 'abort');
  });

  if (!plan.stream) {
    const timer = setTimeout(() => {
      finished = true;
      release(completionTokens, reason);
      sendJson(res, 200, wire.body(plan));
    }, totalDelayMs(pace, stepCountOf(plan)));
    cancel = () => clearTimeout(timer);
    return;
  }

  // Headers go out now, as vLLM's do; the first event follows after the time to first token.
  res.writeHead(200, SSE_HEADERS);
  res.flushHeaders();
  const steps = stepCountOf(plan);
  cancel = runPaced(pace, steps, {
    step: (k) => {
      const { text, tokens } = renderStep(plan, wire, k);
      generated += tokens;
      return res.write(text);
    },
    waitForDrain: (resume) => res.once('drain', resume),
    done: () => {
      finished = true;
      release(generated, reason);
      res.end(wire.usage(usageOf(plan)) + STREAM_END);
    },
  });
}

/** Zero-delay mode: the entire event stream as one string. */
function renderWholeStream(plan: GenerationPlan, wire: WireFormat): string {
  let text = '';
  const steps = stepCountOf(plan);
  for (let k = 0; k < steps; k++) text += renderStep(plan, wire, k).text;
  return text + wire.usage(usageOf(plan)) + STREAM_END;
}

/**
 * Step k: the opening chunks (k = 0), token k of every choice that still has one, and the finish
 * chunk of each choice whose last token this is. Returns the text and the tokens it carries.
 */
function renderStep(plan: GenerationPlan, wire: WireFormat, k: number): { text: string; tokens: number } {
  let text = '';
  let tokens = 0;
  if (k === 0) for (const choice of plan.choices) text += wire.open(choice);
  for (const choice of plan.choices) {
    const steps = stepsOf(choice);
    if (choice.toolCall !== null && k === 0) {
      text += wire.toolCall(choice, choice.toolCall);
      tokens += choice.completionTokens;
    } else if (k < steps) {
      text += wire.piece(choice, choice.pieces[k] ?? '');
      tokens++;
    }
    // A choice with no tokens at all (a stop string at the very start) finishes at step 0.
    if (k === Math.max(0, steps - 1)) text += wire.finish(choice);
  }
  return { text, tokens };
}

/** The engine's view of how the request ended (a tool call is an ordinary stop there). */
function finishedReasonOf(plan: GenerationPlan): FinishedReason {
  return plan.choices.some((choice) => choice.finishReason === 'length') ? 'length' : 'stop';
}
