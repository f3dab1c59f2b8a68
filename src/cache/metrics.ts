// The response cache's metrics, on the router's registry (one per router instance, as metrics.ts).
// Per-request ones are series families (series.ts); the rest are prom-client counters.
import { Counter, Gauge, type Registry } from 'prom-client';
import { CounterFamily } from '../observability/series.js';

export interface CacheMetrics {
  /** hit, miss or bypass, per alias with a cache. */
  readonly lookups: CounterFamily<'model' | 'result'>;
  /** stored, oversized, not_cacheable or error: what became of each miss's answer. */
  readonly stores: CounterFamily<'model' | 'result'>;
  readonly bytes: Gauge<'store'>;
  /** The bytes of the pages the memory store's packed entries are in (arena.ts): what they cost in memory. */
  readonly pageBytes: Gauge<'store'>;
  readonly evictions: Counter<'store'>;
  /**
   * The memory store's bytes and evictions as it last reported them, read into `bytes` and `evictions`
   * when Prometheus scrapes: a store that fills changes both on nearly every miss, and a prom-client
   * update hashes its labels each time.
   */
  readonly memoryStore: MemoryStoreFigures;
  /** The engine tokens a hit did not spend again, by direction (prompt or completion). */
  readonly savedTokens: CounterFamily<'model' | 'tier' | 'direction'>;
  /** What a hit's answer cost when it was made (its pool's prices then); only answers with a known cost. */
  readonly savedUsd: CounterFamily<'model' | 'tier'>;
  /** Requests that waited for an identical one: hit (got its answer), lead (ran after it had none), alone (gave up waiting). */
  readonly waits: Counter<'model' | 'outcome'>;
  /** Tokens served to a key from the cache: not charged to its budget, counted here instead. */
  readonly keyTokens: CounterFamily<'key' | 'tier' | 'direction'>;
  /** Store calls that failed (the request went on without the cache): get (the lookup, its lock included), set, unlock. */
  readonly storeErrors: Counter<'operation'>;
}

export interface MemoryStoreFigures {
  /** Null until the store first reports (no series until then, as when they were set directly). */
  bytes: number | null;
  evicted: number;
  /** The store's page bytes, read when scraped; null without a memory store. */
  pageBytes: (() => number) | null;
}

export function createCacheMetrics(registry: Registry): CacheMetrics {
  const registers = [registry];
  const memoryStore: MemoryStoreFigures = { bytes: null, evicted: 0, pageBytes: null };
  return {
    memoryStore,
    lookups: new CounterFamily({
      name: 'switchyard_cache_lookups_total',
      help: 'Response cache lookups by alias and result: hit, miss, or bypass (not cacheable, Cache-Control, the store away).',
      labelNames: ['model', 'result'],
      registers,
    }),
    stores: new CounterFamily({
      name: 'switchyard_cache_stores_total',
      help: "What became of a miss's answer: stored, oversized (over maxEntryBytes, skipped), not_cacheable (an error, cut, filtered or incomplete answer) or error (the store failed).",
      labelNames: ['model', 'result'],
      registers,
    }),
    bytes: new Gauge({
      name: 'switchyard_cache_bytes',
      help: 'Bytes of entries the memory store holds.',
      labelNames: ['store'],
      registers,
      collect() {
        if (memoryStore.bytes !== null) this.set({ store: 'memory' }, memoryStore.bytes);
      },
    }),
    pageBytes: new Gauge({
      name: 'switchyard_cache_page_bytes',
      help: 'Bytes of the pages the memory store keeps its unread entries in: what they cost in memory (at most about twice their bytes, plus two pages).',
      labelNames: ['store'],
      registers,
      collect() {
        if (memoryStore.pageBytes !== null) this.set({ store: 'memory' }, memoryStore.pageBytes());
      },
    }),
    evictions: new Counter({
      name: 'switchyard_cache_evictions_total',
      help: 'Live entries pushed out of the memory store to make room (least recently used first).',
      labelNames: ['store'],
      registers,
      collect() {
        this.reset();
        if (memoryStore.evicted > 0) this.inc({ store: 'memory' }, memoryStore.evicted);
      },
    }),
    savedTokens: new CounterFamily({
      name: 'switchyard_cache_saved_tokens_total',
      help: 'Engine tokens cache hits did not spend again, by the tier that made the answer and direction.',
      labelNames: ['model', 'tier', 'direction'],
      registers,
    }),
    savedUsd: new CounterFamily({
      name: 'switchyard_cache_saved_usd_total',
      help: 'Dollars cache hits did not spend again: what each answer cost when it was made, at its pool prices (answers without a known cost add nothing).',
      labelNames: ['model', 'tier'],
      registers,
    }),
    waits: new Counter({
      name: 'switchyard_cache_waits_total',
      help: 'Requests that waited for an identical one in flight: hit (got its answer), lead (ran once it had none), alone (waited lockWaitMs and ran).',
      labelNames: ['model', 'outcome'],
      registers,
    }),
    keyTokens: new CounterFamily({
      name: 'switchyard_key_cache_tokens_total',
      help: "Tokens served to a key from the response cache: not charged to the key's budget.",
      labelNames: ['key', 'tier', 'direction'],
      registers,
    }),
    storeErrors: new Counter({
      name: 'switchyard_cache_store_errors_total',
      help: 'Response cache store calls that failed (get: the lookup and its lock; set; unlock); the request went on without the cache.',
      labelNames: ['operation'],
      registers,
    }),
  };
}
