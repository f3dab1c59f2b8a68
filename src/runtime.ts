// buildRuntime: the frozen config turned into live objects, once, at load. Requests read what is
// built here and build nothing themselves.
import type { Config, PoolConfig, SimConfig } from './config/types.js';
import { ENGINES } from './pools/engines.js';
import { Pool } from './pools/pool.js';
import { Replica } from './pools/replica.js';
import type { ModelRoute } from './routing/decide.js';
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
  readonly tierPools: ReadonlyMap<string, readonly Pool[]>;
  readonly modelCards: readonly ModelCard[];
  /** Lets in-flight requests finish, then closes connections and simulated replicas. */
  close(): Promise<void>;
  /** Drops every connection now. */
  destroy(): Promise<void>;
}

export async function buildRuntime(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<Runtime> {
  const sims: SimServer[] = [];
  const pools = new Map<string, Pool>();
  try {
    for (const [name, poolConfig] of Object.entries(config.pools)) {
      pools.set(name, new Pool(name, poolConfig, await buildReplicas(name, poolConfig, env, sims)));
    }
  } catch (error) {
    await Promise.all(sims.map((sim) => sim.close()));
    throw error;
  }
  const tierPools = new Map<string, readonly Pool[]>();
  for (const [name, tier] of Object.entries(config.tiers)) {
    tierPools.set(name, tier.pools.map((pool) => mustGet(pools, pool)));
  }
  const routes = new Map<string, ModelRoute<Pool>>();
  for (const [alias, model] of Object.entries(config.models)) {
    routes.set(alias, { alias, tiers: model.tiers.map((tier) => ({ name: tier, pools: mustGet(tierPools, tier) })) });
  }
  const created = Math.floor(Date.now() / 1000);
  const modelCards = Object.keys(config.models).map((id): ModelCard => ({ id, object: 'model', created, owned_by: 'switchyard' }));
  const replicas = [...pools.values()].flatMap((pool) => pool.replicas);
  return {
    config,
    pools,
    routes,
    tierPools,
    modelCards,
    async close() {
      await Promise.all(replicas.map((replica) => replica.close()));
      await Promise.all(sims.map((sim) => sim.close()));
    },
    async destroy() {
      await Promise.all(replicas.map((replica) => replica.destroy()));
      await Promise.all(sims.map((sim) => sim.close()));
    },
  };
}

async function buildReplicas(poolName: string, pool: PoolConfig, env: NodeJS.ProcessEnv, sims: SimServer[]): Promise<Replica[]> {
  const engine = ENGINES[pool.engine];
  const apiKey = pool.apiKeyEnv === undefined ? undefined : env[pool.apiKeyEnv];
  const replicas: Replica[] = [];
  for (const replica of pool.replicas) {
    let url = replica.url;
    if (url === undefined) {
      // A sim replica: the router runs the simulated engine itself, on a loopback port of its own.
      const settings: SimConfig | undefined = replica.sim ?? pool.sim;
      if (settings === undefined) throw new Error(`pools.${poolName}: a sim pool needs sim settings`);
      const sim = await startSim({ ...settings, servedModel: pool.servedModel });
      sims.push(sim);
      url = sim.url;
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
