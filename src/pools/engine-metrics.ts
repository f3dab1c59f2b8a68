// The engines' own view of their load, scraped from their Prometheus /metrics. The scraper is the
// only writer of `replica.engineLoad`. A failed scrape leaves the previous sample in place: it goes
// stale by age, and `freshLoad` is the one definition of "unknown" that readers use.
import type { EngineMetricsConfig } from '../config/types.js';
import { Repeater, systemClock, type Clock } from './clock.js';
import type { LoadMetricNames } from './engines.js';
import { probe } from './health-check.js';
import { metricTotals, type MetricTotal } from './prometheus-text.js';
import type { EngineLoad, Replica } from './replica.js';

/** Every engine with load metrics serves them here (vLLM, TGI and the simulator alike). */
const METRICS_PATH = '/metrics';

/**
 * The load in one exposition. For each field the first listed name present wins (so vLLM's old
 * `gpu_cache_usage_perc` is read only when `kv_cache_usage_perc` is absent). Series are combined
 * over label sets (one per model, or per engine index in data-parallel vLLM): queue lengths add up,
 * KV-cache use takes the fullest. Null when neither waiting nor running is present; when only one
 * is, the other reads 0.
 */
export function readEngineLoad(text: string, names: LoadMetricNames, scrapedAt: number): EngineLoad | null {
  return loadOf(metricTotals(text, [...names.waiting, ...names.running, ...names.kvCacheUse]), names, scrapedAt);
}

/** The engine's cumulative token counters, summed over label sets (models, data-parallel engines); null when it exports neither. */
export function readTokenCounters(text: string, names: LoadMetricNames): TokenCounters | null {
  return countersOf(metricTotals(text, [...names.promptTokens, ...names.generationTokens]), names);
}

export interface TokenCounters {
  readonly promptTokens: number;
  readonly generationTokens: number;
}

function firstOf(totals: ReadonlyMap<string, MetricTotal>, list: readonly string[]): MetricTotal | undefined {
  for (const name of list) {
    const total = totals.get(name);
    if (total !== undefined) return total;
  }
  return undefined;
}

function countersOf(totals: ReadonlyMap<string, MetricTotal>, names: LoadMetricNames): TokenCounters | null {
  const prompt = firstOf(totals, names.promptTokens);
  const generation = firstOf(totals, names.generationTokens);
  if (prompt === undefined && generation === undefined) return null;
  return { promptTokens: Math.max(0, prompt?.sum ?? 0), generationTokens: Math.max(0, generation?.sum ?? 0) };
}

function loadOf(totals: ReadonlyMap<string, MetricTotal>, names: LoadMetricNames, scrapedAt: number): EngineLoad | null {
  const first = (list: readonly string[]): MetricTotal | undefined => {
    for (const name of list) {
      const total = totals.get(name);
      if (total !== undefined) return total;
    }
    return undefined;
  };
  const waiting = first(names.waiting);
  const running = first(names.running);
  if (waiting === undefined && running === undefined) return null;
  const kvCache = first(names.kvCacheUse);
  return {
    waiting: Math.max(0, waiting?.sum ?? 0),
    running: Math.max(0, running?.sum ?? 0),
    kvCacheUse: kvCache === undefined ? null : Math.min(1, Math.max(0, kvCache.max)),
    scrapedAt,
  };
}

/**
 * The replica's last sample if it is at most `staleAfterMs` old; null when there is none or it is
 * older. Null means unknown, which the balancer must treat as busy, never as idle.
 */
export function freshLoad(replica: { readonly engineLoad: EngineLoad | null }, now: number, staleAfterMs: number): EngineLoad | null {
  const load = replica.engineLoad;
  return load !== null && now - load.scrapedAt <= staleAfterMs ? load : null;
}

export interface EngineMetricsHooks {
  /** After every scrape: the sample stored, or null and a short error (never a URL). */
  onScrape?(replica: Replica, load: EngineLoad | null, error?: string): void;
  /** After a scrape that had token counters (only when given: otherwise they are not read). */
  onTokens?(replica: Replica, counters: TokenCounters, at: number): void;
}

/** What one replica's scrape looks for, listed once. */
interface ScrapedNames {
  readonly metrics: LoadMetricNames;
  /** The load's names alone, and with the token counters. */
  readonly load: readonly string[];
  readonly all: readonly string[];
}

export class EngineMetricsScraper {
  private readonly repeaters: readonly Repeater[];

  constructor(
    replicas: readonly Replica[],
    private readonly config: EngineMetricsConfig,
    private readonly hooks: EngineMetricsHooks = {},
    private readonly now: Clock = systemClock,
  ) {
    const scraped: Repeater[] = [];
    for (const replica of replicas) {
      const metrics = replica.engine.loadMetrics;
      // Hosted APIs export nothing: their replicas are never scraped and their load stays unknown.
      if (metrics === null) continue;
      const load = [...metrics.waiting, ...metrics.running, ...metrics.kvCacheUse];
      const names: ScrapedNames = { metrics, load, all: [...load, ...metrics.promptTokens, ...metrics.generationTokens] };
      scraped.push(new Repeater(config.intervalMs, (signal) => this.scrape(replica, names, signal)));
    }
    this.repeaters = scraped;
  }

  /** Starts the periodic scrapes; does nothing when intervalMs is 0. */
  start(): void {
    for (const repeater of this.repeaters) repeater.start();
  }

  /** Stops scraping and aborts scrapes in flight; an aborted scrape changes nothing. */
  stop(): void {
    for (const repeater of this.repeaters) repeater.stop();
  }

  /** Scrapes every replica once (joining scrapes already in flight); for tests and startup. */
  async scrapeOnce(): Promise<void> {
    await Promise.all(this.repeaters.map((repeater) => repeater.runNow()));
  }

  private async scrape(replica: Replica, names: ScrapedNames, signal: AbortSignal): Promise<void> {
    const result = await probe(replica, METRICS_PATH, this.config.timeoutMs, signal, true);
    if (result.stopped) return;
    if (!result.ok) {
      this.hooks.onScrape?.(replica, null, result.error);
      return;
    }
    const at = this.now();
    const wantsTokens = this.hooks.onTokens !== undefined;
    // One pass over the exposition for both, when the token counters are wanted.
    const totals = metricTotals(result.text, wantsTokens ? names.all : names.load);
    if (wantsTokens) {
      const counters = countersOf(totals, names.metrics);
      if (counters !== null) this.hooks.onTokens?.(replica, counters, at);
    }
    const load = loadOf(totals, names.metrics, at);
    if (load === null) {
      this.hooks.onScrape?.(replica, null, 'no load metrics in the response');
      return;
    }
    replica.engineLoad = load;
    this.hooks.onScrape?.(replica, load);
  }
}
