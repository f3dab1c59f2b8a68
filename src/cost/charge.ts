// Where an attempt's usage becomes its result's token counts and cost: the one step both relays take
// when the engine's usage arrives (a whole answer's, or a stream's usage chunk).
import type { Usage } from '../openai/usage.js';
import type { AttemptResult, Draft } from '../proxy/results.js';
import type { PoolPricing } from './pricing.js';

export function chargeUsage(result: Draft<AttemptResult>, usage: Usage, pricing: PoolPricing): void {
  result.promptTokens = usage.promptTokens;
  result.completionTokens = usage.completionTokens;
  result.cachedPromptTokens = usage.cachedTokens;
  result.costNanoUsd = pricing.cost(usage);
}
