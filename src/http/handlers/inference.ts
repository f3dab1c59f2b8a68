// POST /v1/chat/completions, /v1/completions, /v1/embeddings: a straight line of awaits.
import { runAttempts, type ProxyDeps } from '../../proxy/attempts.js';
import { watchRequest } from '../../proxy/request-lifetime.js';
import { route } from '../../routing/route-request.js';
import { parseRequest, type Endpoint } from '../../routing/inference-request.js';
import { readJsonBody } from '../read-json.js';
import type { AppMiddleware, RouterState } from '../state.js';

export function inference(endpoint: Endpoint, state: RouterState, proxy: ProxyDeps): AppMiddleware {
  return async (ctx) => {
    // Read once: a reload during this request does not change the config it runs on.
    const runtime = state.runtime;
    const { record } = ctx.state;
    record.endpoint = endpoint;
    const request = parseRequest(endpoint, await readJsonBody(ctx.req, runtime.config.server.maxBodyBytes));
    record.model = request.model;
    record.stream = request.stream;
    const decision = await route(runtime, request, ctx.get('x-switchyard-tier'));
    // Set only now: the alias is a configured name, never unchecked client text in a header.
    ctx.set('x-switchyard-model', decision.model);
    if (decision.complexity !== null) ctx.set('x-switchyard-complexity', decision.complexity);
    record.tier = decision.tier.name;
    record.complexity = decision.complexity;
    record.reason = decision.reason;
    ctx.set('x-switchyard-tier', decision.tier.name);
    ctx.set('x-switchyard-reason', decision.reason);
    if (state.draining) ctx.set('connection', 'close');
    const lifetime = watchRequest(ctx.res, runtime.config.server.requestTimeoutMs);
    try {
      await runAttempts({ request, decision, retry: runtime.config.retry, res: ctx.res, record, signal: lifetime.signal }, proxy);
      ctx.respond = false;
    } finally {
      lifetime.dispose();
    }
  };
}
