// The dollars a keyed request reserves (output-plan.ts): strict, the worst over the chain's pools at
// their dearest prices; tight, the estimate and each top-up at the dearest output price.
import t from 'tap';
import type { BudgetsConfig } from '../config/types.js';
import type { TokenPrices } from '../cost/usage-cost.js';
import { parseRequest } from '../routing/inference-request.js';
import type { CostEstimate } from './estimate.js';
import { planReservation, planStrict, type CappablePool } from './output-plan.js';
import { keyRecord } from './test-support.js';

function pool(name: string, prices: TokenPrices | null, contextLength: number | null = null): CappablePool {
  return { name, contextLength, config: { engine: 'vllm' }, pricing: { prices } };
}

const estimate = (overrides: Partial<CostEstimate> = {}): CostEstimate => ({ promptTokens: 40, promptUpperBound: 100, prompts: 1, generations: 1, maxOutput: 10, ...overrides });

t.test('strict: the prompt bound at the dearest input price plus the output bound, on the dearest pool', async (t) => {
  const cheap = pool('cheap', { input: 1, output: 2, cachedInput: 1, cacheWrite: 1 });
  // A cache-write price above the input price is the dearest a prompt token can be.
  const dear = pool('dear', { input: 3, output: 1, cachedInput: 0.5, cacheWrite: 5 });
  // (100 × 1 + 10 × 2) and (100 × 5 + 10 × 1) USD per million → 120,000 and 510,000 nano-USD.
  t.equal(planStrict(estimate(), 'chat', [cheap], 4096).nanoUsd, 120_000);
  t.equal(planStrict(estimate(), 'chat', [cheap, dear], 4096).nanoUsd, 510_000);
  t.equal(planStrict(estimate(), 'chat', [cheap, pool('free', null)], 4096).nanoUsd, 120_000, 'an unpriced pool adds no dollars');
  t.equal(planStrict(estimate(), 'chat', [pool('free', null)], 4096).nanoUsd, 0);
});

t.test('strict: generations multiply the output; the cap or the context bounds it when the client set none', async (t) => {
  const priced = { input: 1, output: 2, cachedInput: 1, cacheWrite: 1 };
  t.equal(planStrict(estimate({ generations: 3 }), 'chat', [pool('p', priced)], 4096).nanoUsd, (100 + 3 * 10 * 2) * 1000);
  t.equal(planStrict(estimate({ maxOutput: null }), 'chat', [pool('p', priced)], 50).nanoUsd, (100 + 50 * 2) * 1000, 'the router cap');
  t.equal(planStrict(estimate({ maxOutput: null }), 'chat', [pool('p', priced, 120)], 4096).nanoUsd, (100 + 120 * 2) * 1000, 'the context, where no cap is added');
  t.equal(planStrict(estimate({ generations: 0, maxOutput: null }), 'embeddings', [pool('p', priced)], 4096).nanoUsd, 100 * 1000, 'embeddings: the prompt only');
});

const BUDGETS: BudgetsConfig = {
  store: 'memory',
  budgetMode: 'tight',
  onStoreError: 'fail-closed',
  degradeAt: 0.8,
  maxOutputTokens: 4096,
  imageTokens: 16384,
  audioTokens: 1500,
  topUpTokens: 10,
  reservationTtlMs: 900_000,
};

t.test('tight: the prompt estimate and one top-up at the prices; each top-up at the dearest output price', async (t) => {
  const request = parseRequest('chat', { model: 'm', messages: [{ role: 'user', content: 'hello there' }], stream: true });
  const plan = planReservation(request, keyRecord('k'), BUDGETS, [
    pool('a', { input: 1, output: 2, cachedInput: 1, cacheWrite: 1 }),
    pool('b', { input: 1, output: 7, cachedInput: 1, cacheWrite: 1 }),
  ]);
  t.equal(plan.topUpNanoUsd, 10 * 7 * 1000);
  t.equal(plan.nanoUsd, Math.ceil((plan.estimate.promptTokens * 1 + 10 * 7) * 1000));
  t.equal(plan.tokens, plan.estimate.promptTokens + 10);
});
