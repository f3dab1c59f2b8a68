// The cost metrics, registered on the router's registry (observability/metrics.ts holds them). Dollars
// are counted in USD (Prometheus' base unit convention); the request path adds one number per series.
import { Gauge, type Registry } from 'prom-client';
import { CounterFamily } from '../observability/series.js';

/** A pool's effective price as the gauge shows it; NaN while its window has too few tokens to say. */
export interface EffectivePriceSample {
  readonly pool: string;
  readonly inputUsdPerMillion: number;
  readonly outputUsdPerMillion: number;
}

export interface CostMetrics {
  /** switchyard_cost_usd_total{model,tier,pool}: what answers cost, at their pools' prices. */
  readonly cost: CounterFamily<'model' | 'tier' | 'pool'>;
  /** switchyard_key_cost_usd_total{key,tier}: what was charged to keys' dollar budgets. */
  readonly keyCost: CounterFamily<'key' | 'tier'>;
}

/** `effective`: the pools with a GPU price, read at scrape time (the runtime in force). */
export function createCostMetrics(registers: Registry[], effective: () => Iterable<EffectivePriceSample>): CostMetrics {
  new Gauge({
    name: 'switchyard_pool_effective_usd_per_million_tokens',
    help: "What a self-hosted pool's tokens really cost at its recent load: gpuUsdPerHour × replicas over the tokens its engines served in the window (their own counters), split by direction with outputInputCostRatio; NaN while the window holds too few tokens.",
    labelNames: ['pool', 'direction'],
    registers,
    collect() {
      this.reset();
      for (const sample of effective()) {
        this.set({ pool: sample.pool, direction: 'input' }, sample.inputUsdPerMillion);
        this.set({ pool: sample.pool, direction: 'output' }, sample.outputUsdPerMillion);
      }
    },
  });
  return {
    cost: new CounterFamily({
      name: 'switchyard_cost_usd_total',
      help: "What answers cost in USD, from the engines' usage at their pools' prices (pools.<name>.price).",
      labelNames: ['model', 'tier', 'pool'],
      registers,
    }),
    keyCost: new CounterFamily({
      name: 'switchyard_key_cost_usd_total',
      help: "USD charged to API keys' budgets, by key id and the tier that served them.",
      labelNames: ['key', 'tier'],
      registers,
    }),
  };
}

/** The gauge's samples: every pool that measures an effective price (read at scrape time). */
export function* effectiveSamples(
  pools: Iterable<{
    readonly name: string;
    readonly pricing: { readonly measured: boolean; readonly effectiveInputUsdPerMillion: number; readonly effectiveOutputUsdPerMillion: number };
  }>,
): Iterable<EffectivePriceSample> {
  for (const { name, pricing } of pools) {
    if (pricing.measured) yield { pool: name, inputUsdPerMillion: pricing.effectiveInputUsdPerMillion, outputUsdPerMillion: pricing.effectiveOutputUsdPerMillion };
  }
}
