// POST /admin/route: the request plan for a request body — alias, class, score, reasons, the tier →
// pool chain attempts would walk, caps and reservation — made by the same code as traffic's
// (src/routing/plan.ts), without forwarding anything, so an operator can try a router.yaml edit
// before traffic does. The caller is anonymous: no key's restrictions, pressure or reservation.
import { RouterError } from '../../openai/errors.js';
import type { InboundProtocol } from '../../protocols/protocol.js';
import { readJsonBody } from '../read-json.js';
import type { Pool } from '../../pools/pool.js';
import { findRoute } from '../../routing/decide.js';
import { parseRequest, type Endpoint } from '../../routing/inference-request.js';
import { admit, planRequest, type RequestPlan } from '../../routing/plan.js';
import type { AppMiddleware, RouterState } from '../state.js';

/**
 * `translated`: the APIs whose bodies become a chat request before routing (Responses, Messages), by
 * name: `?api=responses` or `?api=messages` reads the body as that API's (as an anonymous caller, so a
 * previous_response_id is looked up as one). Without `api` the body's own shape picks an OpenAI endpoint.
 */
export function adminRoute(state: RouterState, translated: ReadonlyMap<string, InboundProtocol>): AppMiddleware {
  return async (ctx) => {
    const runtime = state.runtime;
    const body = await readJsonBody(ctx.req, runtime.config.server.maxBodyBytes);
    const api = ctx.query['api'];
    const protocol = typeof api === 'string' ? translated.get(api) : undefined;
    if (api !== undefined && protocol === undefined && !(typeof api === 'string' && ENDPOINTS.has(api))) {
      const known = [...ENDPOINTS, ...translated.keys()].join(', ');
      throw new RouterError('invalid_request', `Invalid value for 'api': expected one of ${known}.`, { param: 'api' });
    }
    const request =
      protocol !== undefined
        ? await protocol.parse(body, { runtime, key: null, headers: ctx.req.headers })
        : parseRequest(typeof api === 'string' ? (api as Endpoint) : endpointOf(body), body, runtime.config.defaultModel);
    const pinned = ctx.get('x-switchyard-tier');
    const admission = admit(findRoute(runtime.routes, request.model), request, null, pinned === '' ? null : pinned);
    const classification = admission.classify ? await runtime.classifier.classify(request.body) : null;
    const plan = planRequest(admission, classification);
    ctx.body = {
      model: plan.alias,
      complexity: plan.complexity,
      score: classification === null ? null : Math.round(classification.score * 1000) / 1000,
      reasons: classification?.reasons ?? [],
      tier: plan.tier.name,
      reason: plan.reason,
      // Where attempts would go, in order: the tier's pools, then the tiers it spills to.
      pools: plan.chain.flatMap((tier) => tier.pools.map((pool) => ({ tier: tier.name, pool: pool.name }))),
      plan: byNames(plan),
    };
  };
}

/** The plan as JSON: pools and tiers by name, caps per pool, the reserved tokens. */
function byNames(plan: RequestPlan<Pool>) {
  return {
    alias: plan.alias,
    complexity: plan.complexity,
    reasons: plan.classification?.reasons ?? [],
    reason: plan.reason,
    chain: plan.chain.map((tier) => ({ tier: tier.name, pools: tier.pools.map((pool) => pool.name) })),
    caps: plan.caps === null ? null : Object.fromEntries(plan.caps),
    reservation: plan.reservation === null ? null : { tokens: plan.reservation.tokens },
  };
}

/** The OpenAI endpoints `api` may name. */
const ENDPOINTS: ReadonlySet<string> = new Set<Endpoint>(['chat', 'completions', 'embeddings']);

/** The body's own shape says which endpoint it is for. */
function endpointOf(body: unknown): Endpoint {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    if ('prompt' in body && !('messages' in body)) return 'completions';
    if ('input' in body && !('messages' in body)) return 'embeddings';
  }
  return 'chat';
}
