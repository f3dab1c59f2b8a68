// A generation plan: everything a chat or completions request will produce, decided before the
// first byte is written. Planning up front keeps validation errors out of half-written streams and
// lets the writer (serve-generation.ts) do nothing per token but format and pace.

import type { SimFlavour } from '../config/types.js';
import type { GeneratedText } from './generate.js';

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  /** JSON text, as OpenAI sends it. */
  readonly arguments: string;
}

export interface ChoicePlan {
  readonly index: number;
  /** Text pieces, one per completion token; empty for a tool call. */
  readonly pieces: readonly string[];
  readonly toolCall: ToolCall | null;
  readonly completionTokens: number;
  readonly finishReason: 'stop' | 'length' | 'tool_calls';
  readonly stopReason: string | null;
}

export interface GenerationPlan {
  readonly promptTokens: number;
  readonly stream: boolean;
  readonly includeUsage: boolean;
  readonly choices: readonly ChoicePlan[];
}

export interface Usage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

export function completionTokensOf(plan: GenerationPlan): number {
  let total = 0;
  for (const choice of plan.choices) total += choice.completionTokens;
  return total;
}

export function usageOf(plan: GenerationPlan): Usage {
  const completion = completionTokensOf(plan);
  return {
    prompt_tokens: plan.promptTokens,
    completion_tokens: completion,
    total_tokens: plan.promptTokens + completion,
  };
}

/** Paced steps of a choice: one per token; a tool call arrives whole in one step. */
export function stepsOf(choice: ChoicePlan): number {
  return choice.toolCall !== null ? 1 : choice.pieces.length;
}

/** Steps of the whole plan: token k of every choice goes out together at step k (as vLLM batches). */
export function stepCountOf(plan: GenerationPlan): number {
  let steps = 1;
  for (const choice of plan.choices) steps = Math.max(steps, stepsOf(choice));
  return steps;
}

/** What planning needs from the replica's configuration. */
export interface PlanContext {
  readonly servedModel: string;
  readonly defaultMaxTokens: number;
  /** The context window (reported as `max_model_len`): prompt + max_tokens must fit in it. */
  readonly maxModelLen: number;
  /** Whose request schema and error wording to follow. */
  readonly flavour: SimFlavour;
}

export function textChoice(index: number, text: GeneratedText): ChoicePlan {
  return {
    index,
    pieces: text.pieces,
    toolCall: null,
    completionTokens: text.pieces.length,
    finishReason: text.finishReason,
    stopReason: text.stopReason,
  };
}
