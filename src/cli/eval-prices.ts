// What eval-classifier prices a tier at, for the cost saving it reports. With dollar prices on the
// pools (pools.<name>.price), a tier costs what its first pool (the one that serves while it is up)
// charges for a representative request; otherwise the relative tiers.<name>.price; a --price-<tier>
// option wins over both. The saving is a ratio, so only the tiers' relative prices matter, and a
// token mix gives them in dollars.
import type { Config } from '../config/types.js';
import { nanoToUsd } from '../cost/money.js';
import { PoolPricing } from '../cost/pricing.js';
import { tokensCostNano } from '../cost/usage-cost.js';
import type { Prices, Route } from '../classify/evaluate.js';

/** The request a tier is priced by: a chat turn with some context and a medium answer. */
export const REPRESENTATIVE_REQUEST = { promptTokens: 1000, outputTokens: 250 } as const;

export interface RoutePrices {
  readonly prices: Prices;
  /** How the prices were made, for the report's header. */
  readonly basis: string;
}

/** The price of every tier the route uses, or why there is none. */
export function routePrices(config: Config, route: Route, given: Prices): RoutePrices | string {
  const tiers = [...new Set(Object.values(route))];
  const dollars = dollarPrices(config, tiers);
  const prices: Record<string, number> = {};
  for (const tier of tiers) {
    const price = given[tier] ?? dollars?.[tier] ?? config.tiers[tier]?.price;
    if (price === undefined) return `tiers.${tier}.price (or prices on pools.${config.tiers[tier]?.pools[0] ?? '<pool>'}.price) is needed to estimate the cost saving`;
    prices[tier] = price;
  }
  const { promptTokens, outputTokens } = REPRESENTATIVE_REQUEST;
  const basis = dollars === null ? 'tiers.<name>.price' : `USD per request of ${promptTokens} prompt + ${outputTokens} output tokens at each tier's first pool's prices`;
  return { prices, basis };
}

/** USD per representative request for each tier, when the first pool of every one of them has token prices; else null. */
function dollarPrices(config: Config, tiers: readonly string[]): Record<string, number> | null {
  const prices: Record<string, number> = {};
  for (const tier of tiers) {
    const pool = config.tiers[tier]?.pools[0];
    const tokenPrices = pool === undefined ? null : new PoolPricing(config.pools[pool]?.price ?? null).static;
    if (tokenPrices === null) return null;
    prices[tier] = nanoToUsd(tokensCostNano(tokenPrices, REPRESENTATIVE_REQUEST.promptTokens, REPRESENTATIVE_REQUEST.outputTokens));
  }
  return prices;
}
