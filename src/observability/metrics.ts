// Every metric the router exports, declared once. Each router instance owns a registry, so tests can
// run several routers in one process.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { createIdempotencyMetrics, type IdempotencyMetrics } from '../idempotency/metrics.js';
import { createCostMetrics, type CostMetrics, type EffectivePriceSample } from '../cost/metrics.js';
import { CounterFamily, HistogramFamily } from './series.js';

/** What the replica gauges read at scrape time (the live replicas of the runtime in force). */
export interface ReplicaSnapshot {
  readonly poolName: string;
  readonly name: string;
  readonly inFlight: number;
  /** Passing health checks and not ejected. */
  readonly inRotation: boolean;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1];

export interface RouterMetrics {
  readonly registry: Registry;
  // Updated by every request: plain-number families (series.ts).
  readonly requests: CounterFamily<'model' | 'tier' | 'pool' | 'outcome'>;
  readonly errors: Counter<'kind' | 'origin'>;
  readonly requestDuration: HistogramFamily<'model' | 'tier'>;
  readonly timeToFirstToken: HistogramFamily<'model' | 'tier' | 'pool'>;
  readonly tokens: CounterFamily<'model' | 'tier' | 'pool' | 'direction'>;
  readonly overhead: HistogramFamily<never>;
  readonly attempts: CounterFamily<'pool' | 'replica' | 'outcome'>;
  readonly keyTokens: CounterFamily<'key' | 'tier' | 'direction'>;
  // Updated on rarer events.
  readonly retries: Counter<'pool'>;
  readonly retryBudgetExhausted: Counter;
  readonly fallbacks: Counter<'from_pool' | 'to_pool'>;
  readonly spills: Counter<'from_tier' | 'to_tier' | 'cause'>;
  readonly panics: Counter<'pool'>;
  readonly ejections: Counter<'pool' | 'replica'>;
  readonly healthTransitions: Counter<'pool' | 'replica' | 'healthy'>;
  readonly configReloads: Counter<'trigger' | 'result'>;
  readonly budgetRejections: Counter<'reason'>;
  readonly storeErrors: Counter<'operation'>;
  readonly unmetered: Counter<'reason'>;
  readonly cost: CostMetrics;
  readonly idempotency: IdempotencyMetrics;
}

export function createMetrics(replicas: () => Iterable<ReplicaSnapshot> = () => [], effectivePrices: () => Iterable<EffectivePriceSample> = () => []): RouterMetrics {
  const registry = new Registry();
  // prom-client's names already say what they are (process_cpu_seconds_total, nodejs_heap_…): one prefix makes them the router's.
  collectDefaultMetrics({ register: registry, prefix: 'switchyard_' });
  const registers = [registry];
  // Replica gauges are read from live state at scrape time: nothing to update per request, and
  // replicas removed by a reload disappear from the output.
  new Gauge({
    name: 'switchyard_replica_in_flight',
    help: 'Requests this router has open against each replica.',
    labelNames: ['pool', 'replica'],
    registers,
    collect() {
      this.reset();
      for (const r of replicas()) this.set({ pool: r.poolName, replica: r.name }, r.inFlight);
    },
  });
  new Gauge({
    name: 'switchyard_replica_healthy',
    help: '1 when a replica passes its health checks and is not ejected, else 0.',
    labelNames: ['pool', 'replica'],
    registers,
    collect() {
      this.reset();
      for (const r of replicas()) this.set({ pool: r.poolName, replica: r.name }, r.inRotation ? 1 : 0);
    },
  });
  return {
    registry,
    requests: new CounterFamily({
      name: 'switchyard_requests_total',
      help: 'Inference requests by the alias asked, the tier and pool that served them, and outcome (ok, client_abort or an error kind).',
      labelNames: ['model', 'tier', 'pool', 'outcome'],
      registers,
    }),
    errors: new Counter({
      name: 'switchyard_errors_total',
      help: 'Error responses by kind and by origin (caller, policy, upstream, router).',
      labelNames: ['kind', 'origin'],
      registers,
    }),
    requestDuration: new HistogramFamily({
      name: 'switchyard_request_duration_seconds',
      help: 'Inference request duration, from the request reaching the router to the last byte sent.',
      labelNames: ['model', 'tier'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    timeToFirstToken: new HistogramFamily({
      name: 'switchyard_time_to_first_token_seconds',
      help: 'Streaming requests: from the request reaching the router to the first event sent to the client.',
      labelNames: ['model', 'tier', 'pool'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    tokens: new CounterFamily({
      name: 'switchyard_tokens_total',
      help: 'Tokens as reported by the engines, by direction (prompt or completion).',
      labelNames: ['model', 'tier', 'pool', 'direction'],
      registers,
    }),
    overhead: new HistogramFamily({
      name: 'switchyard_router_overhead_seconds',
      help: "The router's own time per request: total duration minus the time spent waiting on replicas, on a retry's backoff, and on an identical request's answer.",
      labelNames: [],
      buckets: OVERHEAD_BUCKETS,
      registers,
    }),
    attempts: new CounterFamily({
      name: 'switchyard_attempts_total',
      help: 'Exchanges with replicas, by outcome (ok, client_abort or an error kind).',
      labelNames: ['pool', 'replica', 'outcome'],
      registers,
    }),
    retries: new Counter({
      name: 'switchyard_retries_total',
      help: 'Attempts after the first for a request, by the pool retried in.',
      labelNames: ['pool'],
      registers,
    }),
    retryBudgetExhausted: new Counter({
      name: 'switchyard_retry_budget_exhausted_total',
      help: 'Retries refused because retries already made up the budgeted share of traffic.',
      registers,
    }),
    fallbacks: new Counter({
      name: 'switchyard_fallbacks_total',
      help: 'Requests that moved on to the next pool after one was exhausted.',
      labelNames: ['from_pool', 'to_pool'],
      registers,
    }),
    spills: new Counter({
      name: 'switchyard_spills_total',
      help: 'Requests sent to a spillTo tier, because the tier was saturated, exhausted or unavailable.',
      labelNames: ['from_tier', 'to_tier', 'cause'],
      registers,
    }),
    panics: new Counter({
      name: 'switchyard_panics_total',
      help: 'Picks made from the whole pool because no replica was healthy and under its limits.',
      labelNames: ['pool'],
      registers,
    }),
    ejections: new Counter({
      name: 'switchyard_ejections_total',
      help: 'Replicas ejected for consecutive failures.',
      labelNames: ['pool', 'replica'],
      registers,
    }),
    keyTokens: new CounterFamily({
      name: 'switchyard_key_tokens_total',
      help: 'Tokens charged to API keys, by key id, the tier that served them, and direction (prompt or completion).',
      labelNames: ['key', 'tier', 'direction'],
      registers,
    }),
    budgetRejections: new Counter({
      name: 'switchyard_budget_rejections_total',
      help: 'Requests refused by key limits, by reason (requests_per_minute, tokens_per_minute, concurrency, quota, disabled, ...).',
      labelNames: ['reason'],
      registers,
    }),
    storeErrors: new Counter({
      name: 'switchyard_budget_store_errors_total',
      help: 'Budget store calls that failed (Redis down or slow), by operation.',
      labelNames: ['operation'],
      registers,
    }),
    unmetered: new Counter({
      name: 'switchyard_unmetered_requests_total',
      help: 'Requests from keys that were let through without a reservation (onStoreError: fail-open).',
      labelNames: ['reason'],
      registers,
    }),
    configReloads: new Counter({
      name: 'switchyard_config_reloads_total',
      help: 'Config reloads by trigger (file, signal, admin) and result (applied, rejected).',
      labelNames: ['trigger', 'result'],
      registers,
    }),
    healthTransitions: new Counter({
      name: 'switchyard_health_transitions_total',
      help: 'Replicas marked healthy or unhealthy by active health checks.',
      labelNames: ['pool', 'replica', 'healthy'],
      registers,
    }),
    cost: createCostMetrics(registers, effectivePrices),
    idempotency: createIdempotencyMetrics(registers),
  };
}
