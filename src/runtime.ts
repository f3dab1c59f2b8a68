// buildRuntime: the frozen config turned into live objects, once, at load. Requests read what is
// built here and build nothing themselves.
import type { Config } from './config/types.js';
import type { Logger } from './observability/logger.js';
import type { RouterMetrics } from './observability/metrics.js';
import { systemClock, type Clock } from './pools/clock.js';
import { ContextProbe } from './pools/context-probe.js';
import { EngineMetricsScraper, type TokenCounters } from './pools/engine-metrics.js';
import { HealthChecker } from './pools/health-check.js';
import { Pool } from './pools/pool.js';
import type { Replica } from './pools/replica.js';
import { ReplicaSet } from './pools/replica-set.js';
import { RequestClassifier } from './routing/classifier.js';
import type { ModelRoute, TierRoute } from './routing/decide.js';

export interface ModelCard {
  readonly id: string;
  readonly object: 'model';
  readonly created: number;
  readonly owned_by: 'switchyard';
}

export interface Runtime {
  readonly config: Config;
  readonly pools: ReadonlyMap<string, Pool>;
  readonly routes: ReadonlyMap<string, ModelRoute<Pool>>;
  readonly tiers: ReadonlyMap<string, TierRoute<Pool>>;
  readonly modelCards: readonly ModelCard[];
  /** When this config was loaded (epoch seconds): the models' `created`. */
  readonly loadedAt: number;
  readonly classifier: RequestClassifier;
  readonly replicas: readonly Replica[];
  /** The live replicas, for a reload to adopt. */
  readonly replicaSet: ReplicaSet;
  /** Starts health checks and metric scrapes. */
  start(): void;
  /**
   * A request runs on this runtime from hold() to its let go: a retired runtime's replicas stay open
   * until no request holds it, since a request may be reading its body, classified, waiting on the
   * cache or backing off before a retry when the reload comes, and only then ask a replica.
   */
  hold(): void;
  letGo(): void;
  /**
   * Hands over to `next` after a reload: stops this runtime's background work and, once no request
   * holds it and the requests on them have finished, closes the replicas `next` did not adopt.
   */
  retire(next: Runtime): Promise<void>;
  /**
   * Told by the runtime before this one, when it is retired for this one: closing what this one
   * holds waits for that retirement, since replicas this one adopted may still serve its requests.
   */
  follow(retiring: Promise<void>): void;
  /** A runtime built but never swapped in: drops what it started, leaving what it adopted from `previous`. */
  discard(previous: Runtime): Promise<void>;
  /** Drops every connection now. */
  destroy(): Promise<void>;
}

export interface RuntimeDeps {
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger;
  readonly metrics?: RouterMetrics;
  readonly clock?: Clock;
}

/** Builds the runtime for `config`, adopting unchanged replicas from `previous` (a reload). */
export async function buildRuntime(config: Config, deps: RuntimeDeps = {}, previous: Runtime | null = null): Promise<Runtime> {
  const env = deps.env ?? process.env;
  const clock = deps.clock ?? systemClock;
  const replicaSet = new ReplicaSet();
  const pools = new Map<string, Pool>();
  try {
    for (const [name, poolConfig] of Object.entries(config.pools)) {
      const replicas = await replicaSet.build(name, poolConfig, env, previous?.replicaSet ?? null);
      pools.set(name, new Pool(name, poolConfig, replicas, clock));
    }
  } catch (error) {
    // Close only what this attempt started; adopted replicas still belong to `previous`.
    await replicaSet.release(previous?.replicaSet ?? null, 'destroy');
    throw error;
  }
  const tiers = new Map<string, TierRoute<Pool>>();
  // Two passes: every tier exists before spillTo links are resolved.
  const links = new Map<string, { name: string; pools: readonly Pool[]; spillTo: TierRoute<Pool> | null }>();
  for (const [name, tier] of Object.entries(config.tiers)) {
    const route = { name, pools: tier.pools.map((pool) => mustGet(pools, pool)), spillTo: null };
    links.set(name, route);
    tiers.set(name, route);
  }
  for (const [name, tier] of Object.entries(config.tiers)) {
    if (tier.spillTo !== undefined) mustGet(links, name).spillTo = mustGet(tiers, tier.spillTo);
  }
  const routes = new Map<string, ModelRoute<Pool>>();
  for (const [alias, model] of Object.entries(config.models)) {
    routes.set(alias, {
      alias,
      tiers: model.tiers.map((tier) => mustGet(tiers, tier)),
      classify: model.classify,
      route: {
        simple: mustGet(tiers, model.route.simple),
        moderate: mustGet(tiers, model.route.moderate),
        complex: mustGet(tiers, model.route.complex),
      },
      allowTierHeader: model.allowTierHeader,
    });
  }
  const classifier = new RequestClassifier(config.classifier, pools, deps.logger);
  const created = Math.floor(Date.now() / 1000);
  const modelCards = Object.keys(config.models).map((id): ModelCard => ({ id, object: 'model', created, owned_by: 'switchyard' }));
  const replicas = [...pools.values()].flatMap((pool) => pool.replicas);
  const monitors = [...pools.values()].flatMap((pool) => monitorsFor(pool, deps, clock));
  let holders = 0;
  let released: (() => void) | null = null;
  /** The retirement of the runtime before this one. */
  let predecessor: Promise<void> = Promise.resolve();
  return {
    config,
    pools,
    routes,
    tiers,
    modelCards,
    loadedAt: created,
    classifier,
    replicas,
    replicaSet,
    start() {
      for (const monitor of monitors) monitor.start();
      classifier.warmUp();
    },
    hold() {
      holders++;
    },
    letGo() {
      if (--holders === 0) released?.();
    },
    retire(next) {
      for (const monitor of monitors) monitor.stop();
      const retiring = (async () => {
        if (holders > 0) await new Promise<void>((resolve) => (released = resolve));
        // A replica this runtime adopted and `next` dropped may still carry requests of the one before
        // (reloaded twice while one was reading its body): it is closed once that one has let it go.
        await predecessor.catch(() => undefined);
        await replicaSet.release(next.replicaSet, 'close');
      })();
      next.follow(retiring);
      return retiring;
    },
    follow(retiring) {
      predecessor = retiring;
    },
    async discard(previous) {
      for (const monitor of monitors) monitor.stop();
      await replicaSet.release(previous.replicaSet, 'destroy');
    },
    async destroy() {
      for (const monitor of monitors) monitor.stop();
      await replicaSet.release(null, 'destroy');
    },
  };
}

function monitorsFor(pool: Pool, deps: RuntimeDeps, clock: Clock): { start(): void; stop(): void }[] {
  const { logger, metrics } = deps;
  const health = new HealthChecker(
    pool.replicas,
    pool.config.healthCheck,
    {
      onChange(replica, healthy, reason) {
        logger?.warn({ pool: pool.name, replica: replica.name, healthy, reason }, healthy ? 'replica healthy again' : 'replica unhealthy');
        metrics?.healthTransitions.inc({ pool: pool.name, replica: replica.name, healthy: String(healthy) });
      },
    },
    clock,
  );
  // Pools with a GPU price read their engines' token counters too, for the effective price (src/cost/).
  const { pricing } = pool;
  const hooks = pricing.measured
    ? { onTokens: (replica: Replica, counters: TokenCounters, at: number) => pricing.observeTokens(replica.name, counters.promptTokens, counters.generationTokens, at) }
    : {};
  const scraper = new EngineMetricsScraper(pool.replicas, pool.config.engineMetrics, hooks, clock);
  return [health, scraper, new ContextProbe(pool.replicas, pool.config)];
}

function mustGet<K, V>(map: ReadonlyMap<K, V>, key: K): V {
  const value = map.get(key);
  // The config loader has cross-checked every reference; a miss here is a bug in the loader.
  if (value === undefined) throw new Error(`unresolved reference ${String(key)}`);
  return value;
}
