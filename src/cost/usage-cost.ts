// The cost of one answer from its normalised usage (src/openai/usage.ts) and the prices it is charged
// at. OpenAI counts cached and cache-written tokens inside prompt_tokens ("Cached tokens present in
// the prompt", openai-openapi CompletionUsage), so the uncached part is what is left: pricing the
// parts on top of the whole prompt charges them twice (BerriAI/litellm#14849), and passing the
// uncached slice as the prompt goes negative (headroomlabs-ai/headroom#2757).
import type { Usage } from '../openai/usage.js';

/** USD per million tokens, resolved at config load (cached and cache-write default to the input price). */
export interface TokenPrices {
  readonly input: number;
  readonly output: number;
  readonly cachedInput: number;
  readonly cacheWrite: number;
}

/** USD per million tokens × tokens = nano-USD / 1000. */
const NANO_PER_TOKEN_AT_ONE_USD_PER_MILLION = 1_000;

/**
 * cost = (prompt − cached − cacheWrite)·input + cached·cachedInput + cacheWrite·cacheWrite
 *        + completion·output, in integer nano-USD. Counts an engine did not report are none; parts
 * larger than the prompt are clamped to it, so the cost is never negative.
 */
export function usageCostNano(prices: TokenPrices, usage: Usage): number {
  const prompt = Math.max(0, usage.promptTokens);
  const cached = Math.min(usage.cachedTokens ?? 0, prompt);
  const written = Math.min(usage.cacheWriteTokens ?? 0, prompt - cached);
  const uncached = prompt - cached - written;
  const completion = Math.max(0, usage.completionTokens);
  const perMillion = uncached * prices.input + cached * prices.cachedInput + written * prices.cacheWrite + completion * prices.output;
  // Prices have no upper bound in router.yaml: an absurd one must still give an exact finite integer.
  return Math.min(Math.round(perMillion * NANO_PER_TOKEN_AT_ONE_USD_PER_MILLION), Number.MAX_SAFE_INTEGER);
}

/** The cost of `input` prompt tokens (all uncached) and `output` completion tokens. */
export function tokensCostNano(prices: TokenPrices, input: number, output: number): number {
  return Math.round((input * prices.input + output * prices.output) * NANO_PER_TOKEN_AT_ONE_USD_PER_MILLION);
}
