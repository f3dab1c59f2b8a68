// POST /v1/chat/completions, /v1/completions, /v1/embeddings: a straight line of awaits.
// parse → authorize → route → reserve → attempts → settle (always).
import { estimateCost } from '../../budgets/estimate.js';
import { allowedTier, checkMaxTokens, checkModel } from '../../budgets/key-policy.js';
import { closeMeter, openMeter, type Meter } from '../../budgets/meter.js';
import type { BudgetService } from '../../budgets/service.js';
import type { RouterMetrics } from '../../observability/metrics.js';
import { runAttempts, type ProxyDeps } from '../../proxy/attempts.js';
import { watchRequest } from '../../proxy/request-lifetime.js';
import { findRoute } from '../../routing/decide.js';
import { parseRequest, type Endpoint, type InferenceRequest } from '../../routing/inference-request.js';
import { route } from '../../routing/route-request.js';
import { readJsonBody } from '../read-json.js';
import type { AppMiddleware, RouterState } from '../state.js';

export function inference(endpoint: Endpoint, state: RouterState, proxy: ProxyDeps, budgets: BudgetService | null): AppMiddleware {
  return async (ctx) => {
    // Read once: a reload during this request does not change the config it runs on.
    const runtime = state.runtime;
    const { record, key } = ctx.state;
    record.endpoint = endpoint;
    let request = parseRequest(endpoint, await readJsonBody(ctx.req, runtime.config.server.maxBodyBytes));
    record.model = request.model;
    record.stream = request.stream;
    if (key !== null) {
      checkModel(key, request.model);
      checkMaxTokens(key, request);
    }
    const settings = budgets?.settings;
    const share = key === null || budgets === null ? 0 : budgets.usedShare(key.id);
    const pressure = settings?.degradeAt != null && share >= settings.degradeAt ? share : null;
    let decision = await route(runtime, request, ctx.get('x-switchyard-tier'), pressure);
    if (key !== null) {
      const allowed = allowedTier(key, findRoute(runtime.routes, request.model), decision.tier);
      if (allowed.restricted) decision = { ...decision, tier: allowed.tier, reason: `restricted: ${allowed.tier.name}` };
    }
    // Set only now: the alias is a configured name, never unchecked client text in a header.
    ctx.set('x-switchyard-model', decision.model);
    if (decision.complexity !== null) ctx.set('x-switchyard-complexity', decision.complexity);
    record.tier = decision.tier.name;
    record.complexity = decision.complexity;
    record.reason = decision.reason;
    ctx.set('x-switchyard-tier', decision.tier.name);
    ctx.set('x-switchyard-reason', decision.reason);
    if (state.draining) ctx.set('connection', 'close');

    const estimate = key !== null && budgets !== null ? estimateCost(request, budgets.settings.maxOutputTokens) : null;
    let meter: Meter | null = null;
    if (key !== null && budgets !== null && estimate !== null) {
      meter = await openMeter(budgets, key, request, estimate, ctx.res);
      // Strict budgets hold only if the output is bounded: a request with no max_tokens gets the cap.
      if (meter !== null && budgets.settings.budgetMode === 'strict' && !estimate.hasMaxTokens && endpoint !== 'embeddings') {
        request = withMaxTokens(request, budgets.settings.maxOutputTokens);
      }
    }
    const lifetime = watchRequest(ctx.res, runtime.config.server.requestTimeoutMs);
    try {
      await runAttempts(
        {
          request,
          decision,
          retry: runtime.config.retry,
          res: ctx.res,
          record,
          abort: lifetime.abort,
          guard: meter?.guard ?? null,
          allowedTiers: key?.tiers == null ? null : new Set(key.tiers),
        },
        proxy,
      );
      ctx.respond = false;
    } finally {
      lifetime.dispose();
      if (meter !== null && budgets !== null && estimate !== null && key !== null) {
        const tokens = closeMeter(budgets, meter, record, estimate);
        countKeyTokens(proxy.metrics, key.id, record.tier ?? decision.tier.name, record, tokens);
      }
    }
  };
}

function withMaxTokens(request: InferenceRequest, maxTokens: number): InferenceRequest {
  return { ...request, body: { ...request.body, max_tokens: maxTokens } };
}

function countKeyTokens(metrics: RouterMetrics, keyId: string, tier: string, record: { promptTokens: number | null; completionTokens: number | null }, total: number): void {
  const prompt = record.promptTokens ?? total;
  metrics.keyTokens.series(keyId, tier, 'prompt').inc(prompt);
  metrics.keyTokens.series(keyId, tier, 'completion').inc(Math.max(0, total - prompt));
}
