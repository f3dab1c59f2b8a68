// POST /admin/route: the routing decision for a request body — class, score, reasons, tier, and the
// pools attempts would use in order — without forwarding anything, so an operator can try a
// router.yaml edit before traffic does.
import { readJsonBody } from '../read-json.js';
import { parseRequest, type Endpoint } from '../../routing/inference-request.js';
import { route } from '../../routing/route-request.js';
import { spillChain } from '../../routing/decide.js';
import type { AppMiddleware, RouterState } from '../state.js';

export function adminRoute(state: RouterState): AppMiddleware {
  return async (ctx) => {
    const runtime = state.runtime;
    const body = await readJsonBody(ctx.req, runtime.config.server.maxBodyBytes);
    const request = parseRequest(endpointOf(body), body, runtime.config.defaultModel);
    const decision = await route(runtime, request, ctx.get('x-switchyard-tier'));
    const { classification } = decision;
    ctx.body = {
      model: decision.model,
      complexity: decision.complexity,
      score: classification === null ? null : Math.round(classification.score * 1000) / 1000,
      reasons: classification?.reasons ?? [],
      tier: decision.tier.name,
      reason: decision.reason,
      // Where attempts would go, in order: the tier's pools, then the tiers it spills to.
      pools: spillChain(decision.tier).flatMap((tier) => tier.pools.map((pool) => ({ tier: tier.name, pool: pool.name }))),
    };
  };
}

/** The body's own shape says which endpoint it is for. */
function endpointOf(body: unknown): Endpoint {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    if ('prompt' in body && !('messages' in body)) return 'completions';
    if ('input' in body && !('messages' in body)) return 'embeddings';
  }
  return 'chat';
}
