// A pool's prices as the request path reads them: made once per pool at config load, so charging an
// answer reads fields and multiplies, nothing more. The effective price (effective-price.ts) is
// written here by the engine-metrics scraper about once a minute; requests read the last value.
import type { ChargeWith, PriceConfig } from '../config/types.js';
import type { Usage } from '../openai/usage.js';
import { EffectivePrice } from './effective-price.js';
import { usageCostNano, type TokenPrices } from './usage-cost.js';

export class PoolPricing {
  /** The configured token prices; null when the pool has only gpuUsdPerHour, or no price at all. */
  readonly static: TokenPrices | null;
  readonly chargeWith: ChargeWith;
  /** The last effective price that was not NaN; null until one was measured. */
  private effective: TokenPrices | null = null;
  /** Measures the effective price, for pools with gpuUsdPerHour; null otherwise. */
  private readonly measure: EffectivePrice | null;
  /** The gauge's values: the latest reading, NaN while the window holds too few tokens. */
  effectiveInputUsdPerMillion = Number.NaN;
  effectiveOutputUsdPerMillion = Number.NaN;

  constructor(
    readonly config: PriceConfig | null,
    /** The pool's configured replicas (each one's GPU is paid for) and when measuring starts. */
    replicas = 1,
    startedAt = Date.now(),
  ) {
    const input = config?.inputUsdPerMillion ?? null;
    const output = config?.outputUsdPerMillion ?? null;
    this.static =
      input === null || output === null
        ? null
        : Object.freeze({ input, output, cachedInput: config?.cachedInputUsdPerMillion ?? input, cacheWrite: config?.cacheWriteUsdPerMillion ?? input });
    this.chargeWith = config?.chargeWith ?? 'static';
    const gpu = config?.gpuUsdPerHour ?? null;
    this.measure =
      config === null || gpu === null
        ? null
        : new EffectivePrice({ gpuUsdPerHour: gpu, replicas, outputInputCostRatio: config.outputInputCostRatio, windowMs: config.effectiveWindowMs }, startedAt);
  }

  /** Whether the pool has an effective price to measure (and show in the gauge). */
  get measured(): boolean {
    return this.measure !== null;
  }

  /** A scrape of one replica's token counters (src/pools/engine-metrics.ts): the effective price moves. */
  observeTokens(replica: string, promptTokens: number, generationTokens: number, at: number): void {
    if (this.measure === null) return;
    this.measure.observe(replica, promptTokens, generationTokens, at);
    const reading = this.measure.read(at);
    this.effectiveInputUsdPerMillion = reading.inputUsdPerMillion;
    this.effectiveOutputUsdPerMillion = reading.outputUsdPerMillion;
    this.setEffective(reading.inputUsdPerMillion, reading.outputUsdPerMillion);
  }

  /** The prices requests are charged at now; null when there are none (their cost is unknown). */
  get prices(): TokenPrices | null {
    return this.chargeWith === 'effective' ? this.effective : this.static;
  }

  /** A new effective price per million tokens (from the gauge); NaN keeps the last one. */
  setEffective(inputUsdPerMillion: number, outputUsdPerMillion: number): void {
    if (!Number.isFinite(inputUsdPerMillion) || !Number.isFinite(outputUsdPerMillion)) return;
    const last = this.effective;
    if (last !== null && last.input === inputUsdPerMillion && last.output === outputUsdPerMillion) return;
    this.effective = Object.freeze({ input: inputUsdPerMillion, output: outputUsdPerMillion, cachedInput: inputUsdPerMillion, cacheWrite: inputUsdPerMillion });
  }

  /** What an answer with this usage costs, in nano-USD; null without prices. */
  cost(usage: Usage): number | null {
    const prices = this.prices;
    return prices === null ? null : usageCostNano(prices, usage);
  }
}

/** The dearest a prompt token can be (uncached, cached or written to a cache): strict reservations use it. */
export function maxInputPrice(prices: TokenPrices): number {
  return Math.max(prices.input, prices.cachedInput, prices.cacheWrite);
}
