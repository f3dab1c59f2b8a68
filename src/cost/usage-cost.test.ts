import t from 'tap';
import { extractUsage } from '../openai/usage.js';
import { PoolPricing } from './pricing.js';
import { usageCostNano, type TokenPrices } from './usage-cost.js';
import type { PriceConfig } from '../config/types.js';

// $2.50 / $10 per million, cached input at $1.25, cache writes at $3.75: gpt-4o-like prices.
const PRICES: TokenPrices = { input: 2.5, output: 10, cachedInput: 1.25, cacheWrite: 3.75 };

t.test('OpenAI: cached tokens are a part of prompt_tokens, priced apart and not twice', async (t) => {
  const usage = extractUsage('{"usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,"prompt_tokens_details":{"cached_tokens":1920}}}');
  if (usage === null) throw new Error('no usage');
  // 86 uncached × 2.5 + 1920 cached × 1.25 + 300 × 10 = 215 + 2400 + 3000 = 5615 USD per million tokens → 5,615,000 nano-USD.
  t.equal(usageCostNano(PRICES, usage), 5_615_000);
});

t.test('OpenAI: cache writes are a part of the prompt too', async (t) => {
  const usage = { promptTokens: 1000, completionTokens: 0, cachedTokens: 200, cacheWriteTokens: 300 };
  // 500 × 2.5 + 200 × 1.25 + 300 × 3.75 = 1250 + 250 + 1125 = 2625.
  t.equal(usageCostNano(PRICES, usage), 2_625_000);
});

t.test('vLLM without prompt tokens details (null) and TGI (no field): the whole prompt at the input price', async (t) => {
  const vllm = extractUsage('{"usage":{"prompt_tokens":12,"total_tokens":19,"completion_tokens":7,"prompt_tokens_details":null}}');
  const tgi = extractUsage('{"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}');
  if (vllm === null || tgi === null) throw new Error('no usage');
  // 12 × 2.5 + 7 × 10 = 100 USD per million tokens → 100,000 nano-USD.
  t.equal(usageCostNano(PRICES, vllm), 100_000);
  t.equal(usageCostNano(PRICES, tgi), 100_000);
});

t.test('counts that do not add up never make a negative cost', async (t) => {
  t.equal(usageCostNano(PRICES, { promptTokens: 10, completionTokens: 0, cachedTokens: 50, cacheWriteTokens: 50 }), 12_500, 'all 10 cached');
  t.equal(usageCostNano(PRICES, { promptTokens: -3, completionTokens: -1, cachedTokens: null, cacheWriteTokens: null }), 0);
});

t.test('small prices stay exact integers of nano-USD', async (t) => {
  const cheap: TokenPrices = { input: 0.1, output: 0.1, cachedInput: 0.1, cacheWrite: 0.1 };
  t.equal(usageCostNano(cheap, { promptTokens: 3, completionTokens: 0, cachedTokens: null, cacheWriteTokens: null }), 300);
  t.equal(usageCostNano({ ...cheap, input: 0.15 }, { promptTokens: 7, completionTokens: 0, cachedTokens: null, cacheWriteTokens: null }), 1050);
});

const CONFIG: PriceConfig = {
  inputUsdPerMillion: 2.5,
  outputUsdPerMillion: 10,
  cachedInputUsdPerMillion: 2.5,
  cacheWriteUsdPerMillion: 2.5,
  gpuUsdPerHour: null,
  outputInputCostRatio: 4,
  effectiveWindowMs: 3_600_000,
  chargeWith: 'static',
};

t.test('a pool charges its static prices, or the effective price once one was measured', async (t) => {
  const usage = { promptTokens: 1000, completionTokens: 100, cachedTokens: null, cacheWriteTokens: null };
  t.equal(new PoolPricing(CONFIG).cost(usage), 3_500_000);
  t.equal(new PoolPricing(null).cost(usage), null, 'no prices: the cost is unknown, not 0');
  const effective = new PoolPricing({ ...CONFIG, inputUsdPerMillion: null, outputUsdPerMillion: null, gpuUsdPerHour: 2, chargeWith: 'effective' });
  t.equal(effective.cost(usage), null, 'not measured yet');
  effective.setEffective(0.5, 2);
  t.equal(effective.cost(usage), 700_000);
  effective.setEffective(Number.NaN, Number.NaN);
  t.equal(effective.cost(usage), 700_000, 'an idle window keeps the last price');
});

t.test('an absurd price times a huge count stays a finite exact integer (at most 2^53 - 1 nano-USD)', async (t) => {
  const prices: TokenPrices = { input: 1e300, output: 1e300, cachedInput: 1e300, cacheWrite: 1e300 };
  t.equal(usageCostNano(prices, { promptTokens: 1e9, completionTokens: 1e9, cachedTokens: null, cacheWriteTokens: null }), Number.MAX_SAFE_INTEGER);
});
