// What a metered request settled, per key: its tokens by direction and its dollars, the counters
// behind switchyard_key_tokens_total and the per-key cost.
import type { Charged } from '../budgets/meter.js';
import { nanoToUsd } from '../cost/money.js';
import type { RequestResult } from '../proxy/results.js';
import type { RouterMetrics } from './metrics.js';

/**
 * The tokens settled, by direction, and the dollars. Completion is the rest after the prompt: the
 * engine's prompt count when it gave one; without usage (a cancelled stream) the charge was the
 * estimated prompt plus the tokens streamed, and those streamed are the completion.
 */
export function countKeyTokens(metrics: RouterMetrics, keyId: string, tier: string, result: RequestResult, charged: Charged): void {
  const total = charged.tokens;
  const prompt = result.answer?.promptTokens ?? Math.max(0, total - (result.answer?.streamedTokens ?? 0));
  metrics.keyTokens.series(keyId, tier, 'prompt').inc(prompt);
  metrics.keyTokens.series(keyId, tier, 'completion').inc(Math.max(0, total - prompt));
  if (charged.nanoUsd > 0) metrics.cost.keyCost.series(keyId, tier).inc(nanoToUsd(charged.nanoUsd));
}
