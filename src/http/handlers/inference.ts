// POST /v1/chat/completions, /v1/completions, /v1/embeddings: a straight line of awaits.
// read → parse → model → key policy → classify → reserve → attempts → settle (always).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { estimateCost } from '../../budgets/estimate.js';
import { allowedTier, checkMaxTokens, checkModel } from '../../budgets/key-policy.js';
import { closeMeter, openMeter, type Meter } from '../../budgets/meter.js';
import { planStrict, servingPools, type OutputCap } from '../../budgets/output-plan.js';
import type { BudgetService } from '../../budgets/service.js';
import type { KeyRecord } from '../../budgets/types.js';
import type { RouterMetrics } from '../../observability/metrics.js';
import type { RequestRecord } from '../../observability/request-record.js';
import { runAttempts, type ProxyDeps } from '../../proxy/attempts.js';
import { watchRequest } from '../../proxy/request-lifetime.js';
import { findRoute } from '../../routing/decide.js';
import { parseRequest, type Endpoint } from '../../routing/inference-request.js';
import { route } from '../../routing/route-request.js';
import { readJsonBody } from '../read-json.js';
import type { RouterState } from '../state.js';

/** One inference call as the handler sees it: the node:http pair, the record, and the caller's key. */
export interface InferenceCall {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly record: RequestRecord;
  readonly key: KeyRecord | null;
}

export type InferenceHandler = (call: InferenceCall) => Promise<void>;

/** Serves one endpoint; it answers through `res` itself, and throws what the error renderer turns into a response. */
export function inference(endpoint: Endpoint, state: RouterState, proxy: ProxyDeps, budgets: BudgetService | null): InferenceHandler {
  return async ({ req, res, record, key }) => {
    // Read once: a reload during this request does not change the config it runs on.
    const runtime = state.runtime;
    record.endpoint = endpoint;
    const body = await readJsonBody(req, runtime.config.server.maxBodyBytes, JSON_BODY);
    const request = parseRequest(endpoint, body, runtime.config.defaultModel);
    record.stream = request.stream;
    // The model before the key's policy: an unknown model is a 404 whoever asks. Only a configured
    // alias goes into the record (the access line, metric labels), never unchecked client text.
    const modelRoute = findRoute(runtime.routes, request.model);
    record.model = modelRoute.alias;
    if (key !== null) {
      checkModel(key, request.model);
      checkMaxTokens(key, request);
    }
    const settings = budgets?.settings;
    const share = key === null || budgets === null ? 0 : budgets.usedShare(key.id);
    const pressure = settings?.degradeAt != null && share >= settings.degradeAt ? share : null;
    // Watched from here: a client that leaves while its request is classified or reserved is noticed
    // at once, and no replica is asked. The watch ends with the response (see watchRequest).
    const lifetime = watchRequest(res, runtime.config.server.requestTimeoutMs);
    const pinned = req.headers['x-switchyard-tier'];
    const routing = route(runtime, request, typeof pinned === 'string' ? pinned : '', pressure);
    // Only a classification can take a while (a model-based classifier): only then is it raced.
    let decision = await (modelRoute.classify ? lifetime.unlessAborted(routing) : routing);
    if (key !== null) {
      const allowed = allowedTier(key, modelRoute, decision.tier);
      if (allowed.restricted) decision = { ...decision, tier: allowed.tier, reason: `restricted: ${allowed.tier.name}` };
    }
    // Set only now: the alias is a configured name, never unchecked client text in a header.
    res.setHeader('x-switchyard-model', decision.model);
    if (decision.complexity !== null) res.setHeader('x-switchyard-complexity', decision.complexity);
    record.tier = decision.tier.name;
    record.complexity = decision.complexity;
    record.reason = decision.reason;
    res.setHeader('x-switchyard-tier', decision.tier.name);
    res.setHeader('x-switchyard-reason', decision.reason);
    if (state.draining) res.setHeader('connection', 'close');

    const estimate = key !== null && budgets !== null ? estimateCost(request, budgets.settings) : null;
    const allowedTiers = key?.tiers == null ? null : new Set(key.tiers);
    let meter: Meter | null = null;
    let outputCaps: ReadonlyMap<string, OutputCap> | null = null;
    if (key !== null && budgets !== null && estimate !== null) {
      // Strict budgets hold only if the output is bounded: by the client's own limit, by the context of
      // every pool that may serve it, or else by a cap the router adds for that pool.
      const cap = Math.min(budgets.settings.maxOutputTokens, key.maxTokensPerRequest ?? Infinity);
      const plan = budgets.settings.budgetMode === 'strict' ? planStrict(estimate, endpoint, servingPools(decision.tier, allowedTiers), cap) : null;
      meter = await openMeter(budgets, key, request, estimate, plan, res);
      if (meter !== null) outputCaps = plan?.caps ?? null;
    }
    try {
      // A client gone while its reservation was made: settled at zero below, and no attempt starts.
      lifetime.throwIfAborted();
      await runAttempts(
        {
          request,
          decision,
          retry: runtime.config.retry,
          res,
          record,
          abort: lifetime.abort,
          guard: meter?.guard ?? null,
          allowedTiers,
          outputCaps,
        },
        proxy,
      );
    } finally {
      lifetime.dispose();
      if (meter !== null && budgets !== null && estimate !== null && key !== null) {
        const tokens = closeMeter(budgets, meter, record, estimate);
        countKeyTokens(proxy.metrics, key.id, record.tier ?? decision.tier.name, record, tokens);
      }
    }
  };
}

function countKeyTokens(metrics: RouterMetrics, keyId: string, tier: string, record: { promptTokens: number | null; completionTokens: number | null }, total: number): void {
  const prompt = record.promptTokens ?? total;
  metrics.keyTokens.series(keyId, tier, 'prompt').inc(prompt);
  metrics.keyTokens.series(keyId, tier, 'completion').inc(Math.max(0, total - prompt));
}

/** Inference bodies must be sent as JSON (a 415 otherwise). */
const JSON_BODY = { requireJsonType: true } as const;

/** The inference route table, path → handler: built once, served by the inference lane and by koa alike. */
export function inferenceRoutes(state: RouterState, proxy: ProxyDeps, budgets: BudgetService | null): ReadonlyMap<string, InferenceHandler> {
  return new Map([
    ['/v1/chat/completions', inference('chat', state, proxy, budgets)],
    ['/v1/completions', inference('completions', state, proxy, budgets)],
    ['/v1/embeddings', inference('embeddings', state, proxy, budgets)],
  ]);
}
