// Cross-checks of a pool's `price` that the schema cannot express: token prices come in pairs, the
// charged price must exist, and the effective price needs the engine's token counters scraped.
import type { RawPrice } from './raw.js';
import type { PoolConfig } from './types.js';

type Problem = readonly [path: readonly (string | number)[], message: string];

/** Engines whose /metrics export token counters (src/pools/engine-metrics.ts reads them). */
const COUNTING_ENGINES = new Set(['vllm', 'tgi', 'sim']);

export function priceProblems(poolName: string, raw: RawPrice | undefined, pool: PoolConfig): Problem[] {
  if (raw === undefined || pool.price === null) return [];
  const at = (key: string) => ['pools', poolName, 'price', key] as const;
  const problems: Problem[] = [];
  const hasInput = raw.inputUsdPerMillion !== undefined;
  const hasOutput = raw.outputUsdPerMillion !== undefined;
  if (hasInput !== hasOutput) {
    const [missing, given] = hasInput ? ['outputUsdPerMillion', 'inputUsdPerMillion'] : ['inputUsdPerMillion', 'outputUsdPerMillion'];
    problems.push([at(missing), `is required with ${given} (a request is charged for both its prompt and its output)`]);
  }
  for (const key of ['cachedInputUsdPerMillion', 'cacheWriteUsdPerMillion'] as const) {
    if (raw[key] !== undefined && !hasInput) problems.push([at(key), 'needs inputUsdPerMillion and outputUsdPerMillion (it prices a part of the prompt)']);
  }
  const hasGpu = raw.gpuUsdPerHour !== undefined;
  if (!hasInput && !hasOutput && !hasGpu) problems.push([['pools', poolName, 'price'], 'set inputUsdPerMillion and outputUsdPerMillion, or gpuUsdPerHour, or both']);
  if (raw.chargeWith === 'static' && !hasInput && !hasOutput) problems.push([at('chargeWith'), '"static" needs inputUsdPerMillion and outputUsdPerMillion']);
  if (raw.chargeWith === 'effective' && !hasGpu) problems.push([at('chargeWith'), '"effective" needs gpuUsdPerHour']);
  for (const key of ['outputInputCostRatio', 'effectiveWindowMs'] as const) {
    if (raw[key] !== undefined && !hasGpu) problems.push([at(key), 'only used with gpuUsdPerHour']);
  }
  if (hasGpu) {
    if (!COUNTING_ENGINES.has(pool.engine)) {
      problems.push([at('gpuUsdPerHour'), `needs an engine that exports token counters (vllm, tgi or sim), not "${pool.engine}"`]);
    } else if (pool.engineMetrics.intervalMs === 0) {
      problems.push([at('gpuUsdPerHour'), `needs pools.${poolName}.engineMetrics.intervalMs above 0: the effective price is measured from the engines' /metrics`]);
    }
  }
  return problems;
}
