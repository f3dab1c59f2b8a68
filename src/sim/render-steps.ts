// A plan as a sequence of steps: step k carries token k of every choice (as vLLM's batch decodes
// them together). Rendering a step and counting its tokens are separate, because a non-streaming
// response counts tokens as they are "generated" but only formats the whole body at the end.

import { stepsOf, type GenerationPlan } from './plan.js';
import type { WireFormat } from './wire.js';

/**
 * Step k as SSE text: the opening chunks (k = 0), token k of every choice that still has one, and
 * the finish chunk of each choice whose last token this is.
 */
export function renderStep(plan: GenerationPlan, wire: WireFormat, k: number): string {
  let text = '';
  if (k === 0) for (const choice of plan.choices) text += wire.open(choice);
  for (const choice of plan.choices) {
    const steps = stepsOf(choice);
    if (choice.toolCall !== null && k === 0) text += wire.toolCall(choice, choice.toolCall);
    else if (k < steps) text += wire.piece(choice, choice.pieces[k] ?? '');
    // A choice with no tokens at all (a stop string at the very start) finishes at step 0.
    if (k === Math.max(0, steps - 1)) text += wire.finish(choice);
  }
  return text;
}

/** Steps from..to-1 as one string (zero-delay mode writes them in one go). */
export function renderSteps(plan: GenerationPlan, wire: WireFormat, from: number, to: number): string {
  let text = '';
  for (let k = from; k < to; k++) text += renderStep(plan, wire, k);
  return text;
}

/** Completion tokens step k produces; a tool call arrives whole at step 0. */
export function stepTokens(plan: GenerationPlan, k: number): number {
  let tokens = 0;
  for (const choice of plan.choices) {
    if (choice.toolCall !== null) tokens += k === 0 ? choice.completionTokens : 0;
    else if (k < choice.pieces.length) tokens++;
  }
  return tokens;
}

/** Tokens of steps 0..to-1. */
export function tokensBefore(plan: GenerationPlan, to: number): number {
  let tokens = 0;
  for (let k = 0; k < to; k++) tokens += stepTokens(plan, k);
  return tokens;
}
