// pools.<name>.price and the dollar limits of keys: resolution, defaults and path-prefixed errors.
import t from 'tap';
import { parseConfigObject, type LoadResult } from './load.js';
import type { Config } from './types.js';

function withPrice(price: unknown, pool: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    models: { chat: { tiers: ['small'] } },
    tiers: { small: { pools: ['gpu'] } },
    pools: { gpu: { engine: 'vllm', servedModel: 'm', replicas: [{ url: 'http://gpu-0:8000' }], price, ...pool } },
  };
}

function configOf(result: LoadResult): Config {
  if (!result.ok) throw new Error(`expected a valid config, got:\n${result.errors.join('\n')}`);
  return result.config;
}

const errorsOf = (result: LoadResult): string[] => (result.ok ? [] : result.errors);

t.test('token prices: cached and cache-write default to the input price; charged statically', async (t) => {
  const config = configOf(parseConfigObject(withPrice({ inputUsdPerMillion: 0.2, outputUsdPerMillion: 0.6 }), { env: {} }));
  t.strictSame(config.pools['gpu']?.price, {
    inputUsdPerMillion: 0.2,
    outputUsdPerMillion: 0.6,
    cachedInputUsdPerMillion: 0.2,
    cacheWriteUsdPerMillion: 0.2,
    gpuUsdPerHour: null,
    outputInputCostRatio: 4,
    effectiveWindowMs: 3_600_000,
    chargeWith: 'static',
  });
  const none = configOf(parseConfigObject(withPrice(undefined), { env: {} }));
  t.equal(none.pools['gpu']?.price, null, 'no price: null');
});

t.test('gpuUsdPerHour alone: charged at the effective price', async (t) => {
  const config = configOf(parseConfigObject(withPrice({ gpuUsdPerHour: 2.4, outputInputCostRatio: 8, effectiveWindowMs: 600_000 }), { env: {} }));
  t.match(config.pools['gpu']?.price, {
    inputUsdPerMillion: null,
    cachedInputUsdPerMillion: null,
    gpuUsdPerHour: 2.4,
    outputInputCostRatio: 8,
    effectiveWindowMs: 600_000,
    chargeWith: 'effective',
  });
});

t.test('bad prices are refused with the path of the key at fault', async (t) => {
  const cases: [string, unknown, Record<string, unknown>, string[]][] = [
    [
      'input without output',
      { inputUsdPerMillion: 1 },
      {},
      ['pools.gpu.price.outputUsdPerMillion: is required with inputUsdPerMillion (a request is charged for both its prompt and its output)'],
    ],
    [
      'cached without token prices',
      { cachedInputUsdPerMillion: 1, gpuUsdPerHour: 1 },
      {},
      ['pools.gpu.price.cachedInputUsdPerMillion: needs inputUsdPerMillion and outputUsdPerMillion (it prices a part of the prompt)'],
    ],
    ['an empty price', {}, {}, ['pools.gpu.price: set inputUsdPerMillion and outputUsdPerMillion, or gpuUsdPerHour, or both']],
    [
      'effective without a GPU price',
      { inputUsdPerMillion: 1, outputUsdPerMillion: 2, chargeWith: 'effective' },
      {},
      ['pools.gpu.price.chargeWith: "effective" needs gpuUsdPerHour'],
    ],
    ['static without token prices', { gpuUsdPerHour: 1, chargeWith: 'static' }, {}, ['pools.gpu.price.chargeWith: "static" needs inputUsdPerMillion and outputUsdPerMillion']],
    [
      'a ratio without a GPU price',
      { inputUsdPerMillion: 1, outputUsdPerMillion: 2, outputInputCostRatio: 3 },
      {},
      ['pools.gpu.price.outputInputCostRatio: only used with gpuUsdPerHour'],
    ],
    [
      'a GPU price with scraping off',
      { gpuUsdPerHour: 1 },
      { engineMetrics: { intervalMs: 0 } },
      ["pools.gpu.price.gpuUsdPerHour: needs pools.gpu.engineMetrics.intervalMs above 0: the effective price is measured from the engines' /metrics"],
    ],
    [
      'a GPU price on a hosted API',
      { gpuUsdPerHour: 1 },
      { engine: 'openai', replicas: [{ url: 'https://api.example.com' }] },
      ['pools.gpu.price.gpuUsdPerHour: needs an engine that exports token counters (vllm, tgi or sim), not "openai"'],
    ],
  ];
  for (const [name, price, pool, expected] of cases) t.strictSame(errorsOf(parseConfigObject(withPrice(price, pool), { env: {} })), expected, name);
  const schema = errorsOf(parseConfigObject(withPrice({ inputUsdPerMillion: -1, outputUsdPerMillion: 2, inputPrice: 3 }), { env: {} }));
  t.match(schema.join('\n'), /pools\.gpu\.price\.inputUsdPerMillion: .*0/, 'a negative price');
  t.match(schema.join('\n'), /pools\.gpu\.price.*inputPrice/, 'an unknown key');
});

t.test('dollar limits of declared keys: decimal USD, positive, at most $9M', async (t) => {
  const key = (limits: unknown) => ({ ...withPrice(undefined), auth: { keys: [{ id: 'k', hash: 'a'.repeat(64), limits }] } });
  const config = configOf(parseConfigObject(key({ usdPerDay: 0.5, usdLifetime: 100 }), { env: {} }));
  t.match(config.auth.keys[0]?.limits, { usdPerDay: 0.5, usdPerMonth: null, usdLifetime: 100 });
  t.match(errorsOf(parseConfigObject(key({ usdPerDay: 0 }), { env: {} })).join('\n'), /auth\.keys\[0\]\.limits\.usdPerDay: /);
  t.match(
    errorsOf(parseConfigObject(key({ usdPerMonth: 1e7 }), { env: {} })).join('\n'),
    /auth\.keys\[0\]\.limits\.usdPerMonth: must be a number from 1e-9 to 9000000 \(got 10000000\)/,
  );
});
