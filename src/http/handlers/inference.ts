// POST /v1/chat/completions, /v1/completions, /v1/embeddings: a straight line of awaits.
// read → parse → admit → classify → plan → reserve → carry out the plan → settle (always).
// Every routing and budget decision is the plan's (src/routing/plan.ts); this file only does the I/O.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { closeMeter, openMeter, type Meter } from '../../budgets/meter.js';
import type { BudgetService } from '../../budgets/service.js';
import type { KeyRecord } from '../../budgets/types.js';
import type { RouterMetrics } from '../../observability/metrics.js';
import type { RequestRecord } from '../../observability/request-record.js';
import { runAttempts, type ProxyDeps } from '../../proxy/attempts.js';
import { watchRequest } from '../../proxy/request-lifetime.js';
import { findRoute } from '../../routing/decide.js';
import { parseRequest, type Endpoint } from '../../routing/inference-request.js';
import { admit, planRequest, type Caller } from '../../routing/plan.js';
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
    const caller = callerOf(key, budgets);
    const pinned = req.headers['x-switchyard-tier'];
    const admission = admit(modelRoute, request, caller, typeof pinned === 'string' && pinned !== '' ? pinned : null);
    // Watched from here: a client that leaves while its request is classified or reserved is noticed
    // at once, and no replica is asked. The watch ends with the response (see watchRequest).
    const lifetime = watchRequest(res, runtime.config.server.requestTimeoutMs);
    // Only a classification can take a while (a model-based classifier): only then is it raced.
    const classification = admission.classify ? await lifetime.unlessAborted(runtime.classifier.classify(request.body)) : null;
    const plan = planRequest(admission, classification);
    // Set only now: the alias is a configured name, never unchecked client text in a header.
    res.setHeader('x-switchyard-model', plan.alias);
    if (plan.complexity !== null) res.setHeader('x-switchyard-complexity', plan.complexity);
    record.tier = plan.tier.name;
    record.complexity = plan.complexity;
    record.reason = plan.reason;
    res.setHeader('x-switchyard-tier', plan.tier.name);
    res.setHeader('x-switchyard-reason', plan.reason);
    if (state.draining) res.setHeader('connection', 'close');

    const { reservation } = plan;
    let meter: Meter | null = null;
    if (key !== null && budgets !== null && reservation !== null) {
      meter = await openMeter(budgets, key, request, reservation.estimate, reservation.tokens, res);
    }
    try {
      // A client gone while its reservation was made: settled at zero below, and no attempt starts.
      lifetime.throwIfAborted();
      await runAttempts(
        {
          request,
          plan,
          retry: runtime.config.retry,
          res,
          record,
          abort: lifetime.abort,
          guard: meter?.guard ?? null,
          // An unmetered request (the store away, fail-open) gets no caps: they exist for the budget.
          outputCaps: meter === null ? null : plan.caps,
        },
        proxy,
      );
    } finally {
      lifetime.dispose();
      if (meter !== null && budgets !== null && reservation !== null && key !== null) {
        const tokens = closeMeter(budgets, meter, record, reservation.estimate);
        countKeyTokens(proxy.metrics, key.id, record.tier ?? plan.tier.name, record, tokens);
      }
    }
  };
}

/** The key and its standing, for the plan: budget pressure is read from the key's last reservation here. */
function callerOf(key: KeyRecord | null, budgets: BudgetService | null): Caller | null {
  if (key === null) return null;
  return { key, usedShare: budgets === null ? 0 : budgets.usedShare(key.id), budgets: budgets?.settings ?? null };
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
