// What a key may ask for: its model aliases, its largest max_tokens, and its tiers.
import { RouterError } from '../openai/errors.js';
import type { ModelRoute, TierRoute } from '../routing/decide.js';
import type { InferenceRequest } from '../routing/inference-request.js';
import type { KeyRecord } from './types.js';
import { generationsOf } from './estimate.js';

export function checkModel(key: KeyRecord, model: string): void {
  if (key.models !== null && !key.models.includes(model)) {
    throw new RouterError('model_not_allowed', `This API key may not use model \`${model}\` (allowed: ${key.models.join(', ')}).`, {
      param: 'model',
    });
  }
}

export function checkMaxTokens(key: KeyRecord, request: InferenceRequest): void {
  const cap = key.maxTokensPerRequest;
  if (cap === null) return;
  // The limit is the request's: every generation counts (n or best_of choices, each prompt of a batch).
  const generations = Math.max(1, generationsOf(request));
  for (const field of ['max_tokens', 'max_completion_tokens'] as const) {
    const value = request.body[field];
    if (typeof value !== 'number' || value * generations <= cap) continue;
    const asked = generations === 1 ? `${value}` : `${value} for each of ${generations} generations (${value * generations} in all)`;
    throw new RouterError('invalid_request', `'${field}' is ${asked}, above this API key's limit of ${cap} per request.`, { param: field });
  }
}

/**
 * The decided tier when the key may reach it; otherwise the alias's cheapest tier the key may reach
 * (the reason says so); a 403 when it may reach none of them.
 */
export function allowedTier<P>(key: KeyRecord, route: ModelRoute<P>, tier: TierRoute<P>): { tier: TierRoute<P>; restricted: boolean } {
  if (key.tiers === null || key.tiers.includes(tier.name)) return { tier, restricted: false };
  const fallback = route.tiers.find((candidate) => key.tiers?.includes(candidate.name));
  if (fallback === undefined) {
    throw new RouterError('tier_not_allowed', `This API key may not use any tier of model \`${route.alias}\` (allowed tiers: ${key.tiers.join(', ')}).`);
  }
  return { tier: fallback, restricted: true };
}
