// Liveness, readiness and the Prometheus scrape.
import type { RouterMetrics } from '../../observability/metrics.js';
import type { Pool } from '../../pools/pool.js';
import type { TierRoute } from '../../routing/decide.js';
import type { AppMiddleware, RouterState } from '../state.js';

/** Alive as long as the process answers. */
export const healthz: AppMiddleware = (ctx) => {
  ctx.body = { status: 'ok' };
};

/**
 * Ready unless the process is draining. Tiers without a healthy replica are reported (`degraded`), not
 * made a reason to refuse traffic: replicas' health is the same for every router, so a 503 here would
 * take every router out of its Service at once, and with it the tiers that are fine, the spill targets
 * that would take a failed tier's requests, and panic mode, which serves from unhealthy replicas.
 */
export function readyz(state: RouterState): AppMiddleware {
  return (ctx) => {
    const degraded: string[] = [];
    for (const [tier, route] of state.runtime.tiers) {
      if (hasHealthyReplica(route)) continue;
      const spill = healthySpill(route);
      degraded.push(`tier ${tier} has no healthy replica${spill === null ? '' : `; it spills to ${spill}`}`);
    }
    const extra = degraded.length === 0 ? {} : { degraded };
    ctx.status = state.draining ? 503 : 200;
    ctx.body = state.draining ? { status: 'not_ready', problems: ['shutting down'], ...extra } : { status: 'ready', ...extra };
  };
}

function hasHealthyReplica(route: TierRoute<Pool>): boolean {
  return route.pools.some((pool) => pool.replicas.some((replica) => replica.healthy));
}

/** The first tier down the spill chain with a healthy replica; null when none has one. */
function healthySpill(route: TierRoute<Pool>): string | null {
  const seen = new Set<TierRoute<Pool>>([route]);
  for (let next = route.spillTo; next !== null && !seen.has(next); next = next.spillTo) {
    if (hasHealthyReplica(next)) return next.name;
    seen.add(next);
  }
  return null;
}

export function metricsEndpoint(metrics: RouterMetrics): AppMiddleware {
  return async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  };
}
