// Every metric the router exports, declared once. Each router instance owns a registry, so tests can
// run several routers in one process.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1];

export interface RouterMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'model' | 'tier' | 'pool' | 'outcome'>;
  readonly errors: Counter<'kind' | 'origin'>;
  readonly requestDuration: Histogram<'model' | 'tier'>;
  readonly timeToFirstToken: Histogram<'model' | 'tier' | 'pool'>;
  readonly tokens: Counter<'model' | 'tier' | 'pool' | 'direction'>;
  readonly overhead: Histogram;
}

export function createMetrics(): RouterMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchyard_process_' });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
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
    requestDuration: new Histogram({
      name: 'switchyard_request_duration_seconds',
      help: 'Inference request duration, from the request reaching the router to the last byte sent.',
      labelNames: ['model', 'tier'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    timeToFirstToken: new Histogram({
      name: 'switchyard_time_to_first_token_seconds',
      help: 'Streaming requests: from the request reaching the router to the first event sent to the client.',
      labelNames: ['model', 'tier', 'pool'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    tokens: new Counter({
      name: 'switchyard_tokens_total',
      help: 'Tokens as reported by the engines, by direction (prompt or completion).',
      labelNames: ['model', 'tier', 'pool', 'direction'],
      registers,
    }),
    overhead: new Histogram({
      name: 'switchyard_router_overhead_seconds',
      help: "The router's own time per request: total duration minus the time spent waiting on replicas.",
      buckets: OVERHEAD_BUCKETS,
      registers,
    }),
  };
}
