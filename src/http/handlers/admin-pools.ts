// GET /admin/pools: every replica's live state, for operators. Names only, never URLs or keys.
import type { Pool } from '../../pools/pool.js';
import type { Replica } from '../../pools/replica.js';
import { loadScore, standing, type BalanceContext } from '../../pools/balancer.js';
import type { AppMiddleware, RouterState } from '../state.js';

export function adminPools(state: RouterState, now: () => number = Date.now): AppMiddleware {
  return (ctx) => {
    const at = now();
    ctx.body = {
      at: new Date(at).toISOString(),
      pools: [...state.runtime.pools.values()].map((pool) => describePool(pool, at)),
    };
  };
}

function describePool(pool: Pool, now: number) {
  const { config } = pool;
  const ctx: BalanceContext = {
    strategy: config.balance,
    maxInFlight: config.maxInFlight,
    maxConnections: config.maxConnections,
    maxEngineQueue: config.maxEngineQueue,
    staleAfterMs: config.engineMetrics.staleAfterMs,
    now,
    random: Math.random,
  };
  return {
    name: pool.name,
    engine: config.engine,
    servedModel: config.servedModel,
    balance: config.balance,
    replicas: pool.replicas.map((replica) => describeReplica(replica, ctx)),
  };
}

function describeReplica(replica: Replica, ctx: BalanceContext) {
  const { health, outlier, engineLoad } = replica;
  return {
    name: replica.name,
    weight: replica.weight,
    standing: standing(replica, ctx),
    healthy: health.healthy,
    lastCheckAt: health.lastCheckAt === 0 ? null : new Date(health.lastCheckAt).toISOString(),
    lastCheckError: health.lastError,
    ejected: outlier.ejectedUntil > ctx.now,
    ejectedUntil: outlier.ejectedUntil > ctx.now ? new Date(outlier.ejectedUntil).toISOString() : null,
    ejections: outlier.ejections,
    consecutiveFailures: outlier.consecutiveFailures,
    coolingUntil: replica.coolingUntil > ctx.now ? new Date(replica.coolingUntil).toISOString() : null,
    inFlight: replica.inFlight,
    latencyMs: replica.latency.ewmaMs === null ? null : Math.round(replica.latency.ewmaMs * 10) / 10,
    engineLoad:
      engineLoad === null
        ? null
        : {
            waiting: engineLoad.waiting,
            running: engineLoad.running,
            kvCacheUse: engineLoad.kvCacheUse,
            scrapedAt: new Date(engineLoad.scrapedAt).toISOString(),
            ageMs: ctx.now - engineLoad.scrapedAt,
            stale: ctx.now - engineLoad.scrapedAt > ctx.staleAfterMs,
          },
    loadScore: Math.round(loadScore(replica, ctx) * 1000) / 1000,
  };
}
