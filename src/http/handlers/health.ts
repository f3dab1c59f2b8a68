// Liveness, readiness and the Prometheus scrape.
import type { RouterMetrics } from '../../observability/metrics.js';
import type { AppMiddleware, RouterState } from '../state.js';

/** Alive as long as the process answers. */
export const healthz: AppMiddleware = (ctx) => {
  ctx.body = { status: 'ok' };
};

/** Ready when a config is loaded, the process is not draining, and every tier has a healthy replica. */
export function readyz(state: RouterState): AppMiddleware {
  return (ctx) => {
    const problems: string[] = [];
    if (state.draining) problems.push('shutting down');
    for (const [tier, route] of state.runtime.tiers) {
      if (!route.pools.some((pool) => pool.replicas.some((replica) => replica.healthy))) {
        problems.push(`tier ${tier} has no healthy replica`);
      }
    }
    ctx.status = problems.length === 0 ? 200 : 503;
    ctx.body = problems.length === 0 ? { status: 'ready' } : { status: 'not_ready', problems };
  };
}

export function metricsEndpoint(metrics: RouterMetrics): AppMiddleware {
  return async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  };
}
