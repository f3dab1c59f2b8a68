// What a keyed request reserves. Strict budgets: the most one request can cost on whichever pool of
// its tier chain serves it (a spill or fallback may take it to a pool with a longer context), and the
// cap the router adds to the request's body, per pool, where nothing else bounds its output.
//
// Engines bound the output themselves: a generation never goes past the context (prompt + output ≤
// context length; vLLM and TGI refuse a longer request or stop there). So on a pool whose context
// length is known, a request that sets no max_tokens needs no cap for the budget's sake; the router
// adds one (the smaller of budgets.maxOutputTokens and the key's maxTokensPerRequest) only where it
// cannot push the request past that context, or where the context is unknown.
import type { BudgetsConfig, PoolConfig } from '../config/types.js';
import { maxInputPrice } from '../cost/pricing.js';
import type { TokenPrices } from '../cost/usage-cost.js';
import type { Pool } from '../pools/pool.js';
import type { Endpoint, InferenceRequest } from '../routing/inference-request.js';
import { estimateCost, type CostEstimate } from './estimate.js';
import type { KeyRecord } from './types.js';
import { CAP_FIELD } from '../engines/chat-extensions.js';

/** The field the router sets upstream, and to what. */
export interface OutputCap {
  readonly field: 'max_tokens' | 'max_completion_tokens';
  readonly tokens: number;
}

export interface StrictPlan {
  /** Tokens to reserve: the largest cost on any pool that may serve the request. */
  readonly tokens: number;
  /** Nano-USD to reserve: the largest dollar cost on any of those pools at their prices (0 when none is priced). */
  readonly nanoUsd: number;
  /** Pool name → the cap its upstream body gets; null when no pool needs one. */
  readonly caps: ReadonlyMap<string, OutputCap> | null;
}

/** What the caps depend on in a pool: plain data in the plan's table tests, a live Pool in traffic (with its prices). */
export type CappablePool = Pick<Pool, 'name' | 'contextLength'> & {
  readonly config: Pick<PoolConfig, 'engine'>;
  readonly pricing?: { readonly prices: TokenPrices | null };
};

/** A keyed request's reservation: what openMeter reserves, the estimate behind it, and strict mode's caps. */
export interface ReservationPlan extends StrictPlan {
  readonly estimate: CostEstimate;
  /** Tight mode: the nano-USD each top-up of topUpTokens output adds (at the dearest output price); 0 in strict mode. */
  readonly topUpNanoUsd: number;
}

/**
 * Strict: the worst cost on any of `pools` (every pool the request may be spilled or fall back to),
 * with the caps that make it finite. Tight: the tokenizer's prompt estimate plus one top-up step of
 * output (or the client's smaller limit); a stream grows it as it goes.
 */
export function planReservation(request: InferenceRequest, key: KeyRecord, settings: BudgetsConfig, pools: readonly CappablePool[]): ReservationPlan {
  const estimate = estimateCost(request, settings);
  if (settings.budgetMode === 'strict') {
    // A key's maxTokensPerRequest is shared by the request's generations; the cap sent bounds each one.
    const perGeneration = key.maxTokensPerRequest === null ? Infinity : Math.max(1, Math.floor(key.maxTokensPerRequest / Math.max(1, estimate.generations)));
    const cap = Math.min(settings.maxOutputTokens, perGeneration);
    const plan = planStrict(estimate, request.endpoint, pools, cap);
    return { tokens: countable(plan.tokens), nanoUsd: countable(plan.nanoUsd), caps: plan.caps, estimate, topUpNanoUsd: 0 };
  }
  const { topUpTokens } = settings;
  const output = Math.min(estimate.generations * (estimate.maxOutput ?? topUpTokens), topUpTokens);
  const tokens = estimate.promptTokens + output;
  // Dollars as tokens: the estimate at the dearest prices of the pools that may serve it, grown by top-ups.
  let nanoUsd = 0;
  let topUpNanoUsd = 0;
  for (const pool of pools) {
    const prices = pool.pricing?.prices ?? null;
    if (prices === null) continue;
    nanoUsd = Math.max(nanoUsd, dollars(prices, estimate.promptTokens, output));
    topUpNanoUsd = Math.max(topUpNanoUsd, dollars(prices, 0, topUpTokens));
  }
  return { tokens: countable(tokens), nanoUsd: countable(nanoUsd), caps: null, estimate, topUpNanoUsd: countable(topUpNanoUsd) };
}

/**
 * The most `prompt` and `output` tokens can cost at `prices`, rounded up: every prompt token at the
 * dearest of the input prices (uncached, cached, cache write). Never below what usage-cost.ts charges
 * for as many tokens or fewer, so a strict reservation bounds the settle.
 */
function dollars(prices: TokenPrices, prompt: number, output: number): number {
  return Math.ceil((prompt * maxInputPrice(prices) + output * prices.output) * 1_000);
}

/**
 * A client's limit of 2^60 tokens makes a reservation no counter can hold exactly; held at the largest
 * it can, it is still more than any budget, so the request is refused as over budget (a 429), not
 * taken for a broken store.
 */
function countable(tokens: number): number {
  return Math.min(tokens, Number.MAX_SAFE_INTEGER);
}

/** `cap`: the output the router may add when the client set none (maxOutputTokens, within the key's limit). */
export function planStrict(estimate: CostEstimate, endpoint: Endpoint, pools: readonly CappablePool[], cap: number): StrictPlan {
  let tokens = estimate.promptUpperBound;
  let nanoUsd = 0;
  let caps: Map<string, OutputCap> | null = null;
  if (estimate.generations === 0) {
    for (const pool of pools) {
      const prices = pool.pricing?.prices ?? null;
      if (prices !== null) nanoUsd = Math.max(nanoUsd, dollars(prices, estimate.promptUpperBound, 0));
    }
    return { tokens, nanoUsd, caps };
  }
  for (const pool of pools) {
    const context = pool.contextLength;
    let limit = estimate.maxOutput;
    // A cap that could take the prompt past the context would be a 400 the client never asked for.
    if (limit === null && (context === null || estimate.promptUpperBound + cap <= context)) {
      limit = cap;
      caps ??= new Map();
      caps.set(pool.name, { field: capField(pool, endpoint), tokens: cap });
    }
    tokens = Math.max(tokens, worstCost(estimate, limit, context));
    const prices = pool.pricing?.prices ?? null;
    // Dollars: the whole prompt bound at the input price and every generation's most output at the
    // output price (a bound even where the context makes both at once impossible).
    if (prices !== null) {
      const perGeneration = context === null ? (limit ?? 0) : Math.min(limit ?? context, context);
      nanoUsd = Math.max(nanoUsd, dollars(prices, estimate.promptUpperBound, estimate.generations * perGeneration));
    }
  }
  return { tokens, nanoUsd, caps };
}

/** Chat caps go in the field the engine takes (chat-extensions.ts); the legacy completions API has only max_tokens. */
function capField(pool: CappablePool, endpoint: Endpoint): OutputCap['field'] {
  return endpoint === 'chat' ? CAP_FIELD[pool.config.engine] : 'max_tokens';
}

/**
 * The most prompt + output can cost with `limit` output tokens per generation (null: none) on a
 * context of `context` tokens (null: unknown, then `limit` is set). A prompt the engine refuses costs
 * at most its upper bound (the router charges its estimate, never above that).
 */
function worstCost(estimate: CostEstimate, limit: number | null, context: number | null): number {
  const prompt = estimate.promptUpperBound;
  const generations = estimate.generations;
  if (context === null) return prompt + generations * (limit ?? 0);
  const perGeneration = Math.min(limit ?? context, context);
  if (estimate.prompts > 1) return prompt + generations * perGeneration;
  // One prompt of p tokens generates min(limit, context - p) per choice: p + n × that peaks at
  // p = context - limit (clamped to the prompts the engine can take), where the output is whole.
  const longest = Math.min(prompt, context);
  const p = Math.min(Math.max(context - perGeneration, 0), longest);
  return Math.max(prompt, p + generations * Math.min(perGeneration, context - p));
}
