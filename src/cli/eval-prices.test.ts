import t from 'tap';
import { parseConfigObject } from '../config/load.js';
import type { Config } from '../config/types.js';
import { routePrices } from './eval-prices.js';

const ROUTE = { simple: 'small', moderate: 'small', complex: 'large' } as const;

function config(prices: { small?: object; large?: object }, tierPrices: { small?: number; large?: number } = {}): Config {
  const pool = (url: string, price: object | undefined) => ({ engine: 'vllm', servedModel: 'm', replicas: [{ url }], ...(price === undefined ? {} : { price }) });
  const result = parseConfigObject(
    {
      models: { auto: { tiers: ['small', 'large'], classify: true } },
      tiers: {
        small: { pools: ['gpu-small'], ...(tierPrices.small === undefined ? {} : { price: tierPrices.small }) },
        large: { pools: ['gpu-large'], ...(tierPrices.large === undefined ? {} : { price: tierPrices.large }) },
      },
      pools: { 'gpu-small': pool('http://a:8000', prices.small), 'gpu-large': pool('http://b:8000', prices.large) },
    },
    { env: {} },
  );
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
}

const SMALL = { inputUsdPerMillion: 0.1, outputUsdPerMillion: 0.3 };
const LARGE = { inputUsdPerMillion: 2.5, outputUsdPerMillion: 10 };

t.test("pools' dollar prices win over the relative tier prices: USD for 1000 prompt + 250 output tokens", async (t) => {
  const priced = routePrices(config({ small: SMALL, large: LARGE }, { small: 1, large: 10 }), ROUTE, {});
  t.strictSame(priced, {
    prices: { small: 0.000175, large: 0.005 },
    basis: "USD per request of 1000 prompt + 250 output tokens at each tier's first pool's prices",
  });
});

t.test('without prices on every tier, the relative tier prices; a --price option wins over both', async (t) => {
  t.strictSame(routePrices(config({ small: SMALL }, { small: 1, large: 10 }), ROUTE, {}), { prices: { small: 1, large: 10 }, basis: 'tiers.<name>.price' });
  t.strictSame(routePrices(config({ small: SMALL, large: LARGE }), ROUTE, { large: 0.01 }), {
    prices: { small: 0.000175, large: 0.01 },
    basis: "USD per request of 1000 prompt + 250 output tokens at each tier's first pool's prices",
  });
  t.equal(routePrices(config({}), ROUTE, {}), 'tiers.small.price (or prices on pools.gpu-small.price) is needed to estimate the cost saving');
});
