// buildRuntime: the frozen config turned into live objects, once, at load. Requests read what is
// built here and build nothing themselves.
import type { Config, PoolConfig, SimConfig } from './config/types.js';
import type { Logger } from './observability/logger.js';
import type { RouterMetrics } from './observability/metrics.js';
import { systemClock, type Clock } from './pools/clock.js';
import { EngineMetricsScraper } from './pools/engine-metrics.js';
import { ENGINES, simEngine } from './pools/engines.js';
import { HealthChecker } from './pools/health-check.js';
import { Pool } from './pools/pool.js';
import { Replica } from './pools/replica.js';
import type { ModelRoute, TierRoute } from './routing/decide.js';
import { startSim, type SimServer } from './sim/server.js';

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
  readonly replicas: readonly Replica[];
  /** Starts health checks and metric scrapes. */
  start(): void;
  /** Lets in-flight requests finish, then closes connections and simulated replicas. */
  close(): Promise<void>;
  /** Drops every connection now. */
  destroy(): Promise<void>;
}

export interface RuntimeDeps {
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger;
  readonly metrics?: RouterMetrics;
  readonly clock?: Clock;
}

export async function buildRuntime(config: Config, deps: RuntimeDeps = {}): Promise<Runtime> {
  const env = deps.env ?? process.env;
  const clock = deps.clock ?? systemClock;
  const sims: SimServer[] = [];
  const pools = new Map<string, Pool>();
  try {
    for (const [name, poolConfig] of Object.entries(config.pools)) {
      pools.set(name, new Pool(name, poolConfig, await buildReplicas(name, poolConfig, env, sims), clock));
    }
  } catch (error) {
    await Promise.all(sims.map((sim) => sim.close()));
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
    routes.set(alias, { alias, tiers: model.tiers.map((tier) => mustGet(tiers, tier)) });
  }
  const created = Math.floor(Date.now() / 1000);
  const modelCards = Object.keys(config.models).map((id): ModelCard => ({ id, object: 'model', created, owned_by: 'switchyard' }));
  const replicas = [...pools.values()].flatMap((pool) => pool.replicas);
  const monitors = [...pools.values()].flatMap((pool) => monitorsFor(pool, deps, clock));
  return {
    config,
    pools,
    routes,
    tiers,
    modelCards,
    replicas,
    start() {
      for (const monitor of monitors) monitor.start();
    },
    async close() {
      for (const monitor of monitors) monitor.stop();
      await Promise.all(replicas.map((replica) => replica.close()));
      await Promise.all(sims.map((sim) => sim.close()));
    },
    async destroy() {
      for (const monitor of monitors) monitor.stop();
      await Promise.all(replicas.map((replica) => replica.destroy()));
      await Promise.all(sims.map((sim) => sim.close()));
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
  const scraper = new EngineMetricsScraper(pool.replicas, pool.config.engineMetrics, {}, clock);
  return [health, scraper];
}

async function buildReplicas(poolName: string, pool: PoolConfig, env: NodeJS.ProcessEnv, sims: SimServer[]): Promise<Replica[]> {
  const apiKey = pool.apiKeyEnv === undefined ? undefined : env[pool.apiKeyEnv];
  const replicas: Replica[] = [];
  for (const replica of pool.replicas) {
    let url = replica.url;
    let engine = ENGINES[pool.engine];
    if (url === undefined) {
      // A sim replica: the router runs the simulated engine itself, on a loopback port of its own.
      const settings: SimConfig | undefined = replica.sim ?? pool.sim;
      if (settings === undefined) throw new Error(`pools.${poolName}: a sim pool needs sim settings`);
      const sim = await startSim({ ...settings, servedModel: pool.servedModel });
      sims.push(sim);
      url = sim.url;
      engine = simEngine(settings.flavour);
    }
    replicas.push(
      new Replica({
        name: replica.name,
        poolName,
        url,
        weight: replica.weight,
        engine,
        authorization: apiKey === undefined ? null : `Bearer ${apiKey}`,
        connectTimeoutMs: pool.connectTimeoutMs,
        maxConnections: pool.maxConnections,
      }),
    );
  }
  return replicas;
}

function mustGet<K, V>(map: ReadonlyMap<K, V>, key: K): V {
  const value = map.get(key);
  // The config loader has cross-checked every reference; a miss here is a bug in the loader.
  if (value === undefined) throw new Error(`unresolved reference ${String(key)}`);
  return value;
}
