// POST /v1/chat/completions, /v1/completions, /v1/embeddings: a straight line of awaits.
// read → parse → admit → classify → plan → reserve → carry out the plan → settle (always).
// Every routing and budget decision is the plan's (src/routing/plan.ts); this file only does the I/O,
// and returns what the request did (src/proxy/results.ts) for the lane's access line and metrics.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { closeMeter, openMeter, settlesOnEstimate, type Meter } from '../../budgets/meter.js';
import { loadTokenizer } from '../../budgets/estimate.js';
import type { BudgetService } from '../../budgets/service.js';
import type { KeyRecord } from '../../budgets/types.js';
import { countKeyTokens } from '../../observability/key-tokens.js';
import type { RequestRecord } from '../../observability/request-record.js';
import type { Pool } from '../../pools/pool.js';
import { runAttempts, type ProxyDeps } from '../../proxy/attempts.js';
import { endedEarly, type RequestResult } from '../../proxy/results.js';
import { watchRequest } from '../../proxy/request-lifetime.js';
import { findRoute } from '../../routing/decide.js';
import { admit, planRequest, type Caller, type RequestPlan } from '../../routing/plan.js';
import type { CacheCall, ResponseCache } from '../../cache/service.js';
import type { Idempotency, KeyedRequest } from '../../idempotency/service.js';
import { messagesRoutes } from '../../protocols/anthropic/routes.js';
import { openaiProtocol } from '../../protocols/openai.js';
import type { InboundProtocol } from '../../protocols/protocol.js';
import { responsesProtocol } from '../../protocols/responses/protocol.js';
import type { ResponsesService } from '../../protocols/responses/service.js';
import { readJsonBody } from '../read-json.js';
import type { RouterState } from '../state.js';

/** One inference call as the handler sees it: the node:http pair, the request's id and start, the caller's key. */
export interface InferenceCall {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly record: Pick<RequestRecord, 'requestId' | 'startedAt' | 'waitedMs'>;
  readonly key: KeyRecord | null;
}

/** Answers through `res` itself and returns what the request did; a failure it could not answer is in the result. */
export type InferenceHandler = (call: InferenceCall) => Promise<RequestResult>;

/** Serves one route in its client's API. Never throws: the lane renders the result's error when there is no answer. */
export function inference(
  protocol: InboundProtocol,
  state: RouterState,
  proxy: ProxyDeps,
  budgets: BudgetService | null,
  cache: ResponseCache | null = null,
  idempotency: Idempotency | null = null,
): InferenceHandler {
  const { endpoint } = protocol;
  return async ({ req, res, record, key }) => {
    // Read once: a reload during this request does not change the config it runs on, and its
    // replicas stay open until the request lets it go.
    const runtime = state.runtime;
    runtime.hold();
    // What is known so far, for the result of a request that ends before its plan is carried out.
    let stream = false;
    let model: string | null = null;
    let plan: RequestPlan<Pool> | null = null;
    let cached: CacheCall | null = null;
    let keyed: KeyedRequest | null = null;
    try {
      const body = await readJsonBody(req, runtime.config.server.maxBodyBytes, JSON_BODY);
      const request = await protocol.parse(body, { runtime, key, headers: req.headers });
      stream = request.stream;
      // The model before the key's policy: an unknown model is a 404 whoever asks. Only a configured
      // alias goes into the result (the access line, metric labels), never unchecked client text.
      const modelRoute = findRoute(runtime.routes, request.model, key?.models ?? null);
      model = modelRoute.alias;
      // A caller let through unidentified (auth required, the key store away, onStoreError: fail-open)
      // has no scope of its own: it must not share the anonymous one, where every such caller would
      // read the others' cached and idempotent answers. It runs without either.
      const unverified = key === null && runtime.config.auth.required;
      const idempotencyKey = unverified ? null : (idempotency?.readKey(req) ?? null);
      const caller = callerOf(key, budgets);
      const pinned = req.headers['x-switchyard-tier'];
      const admission = admit(modelRoute, request, caller, typeof pinned === 'string' && pinned !== '' ? pinned : null);
      // Watched from here: a client that leaves while its request is classified or reserved is noticed
      // at once, and no replica is asked. The watch ends with the response (see watchRequest).
      const lifetime = watchRequest(res, runtime.config.server.requestTimeoutMs, state.inFlight);
      // The response cache's first step (src/cache/service.ts): an alias without a cache block costs one lookup.
      const cacheConfig = cache === null || unverified ? undefined : runtime.config.models[modelRoute.alias]?.cache;
      const probe = cache === null || cacheConfig === undefined ? null : cache.probe(cacheConfig, request, req.headers);
      // A cacheable body classified before is not classified again (a hit would otherwise pay for it).
      const digest = probe?.digest ?? null;
      const known = admission.classify && digest !== null ? runtime.classifier.recall(digest) : undefined;
      // Only a classification can take a while (a model-based classifier): only then is it raced.
      const classification = !admission.classify ? null : (known ?? (await lifetime.unlessAborted(runtime.classifier.classify(request.body, digest))));
      plan = planRequest(admission, classification);
      // Set only now: the alias is a configured name, never unchecked client text in a header.
      res.setHeader('x-switchyard-model', plan.alias);
      if (plan.complexity !== null) res.setHeader('x-switchyard-complexity', plan.complexity);
      res.setHeader('x-switchyard-tier', plan.tier.name);
      res.setHeader('x-switchyard-reason', plan.reason);
      if (state.draining) res.setHeader('connection', 'close');
      // Where the answer goes: `res` itself for OpenAI's API, else a translator into the client's API.
      const out = request.answerAs === undefined ? res : request.answerAs.open(res, { requestId: record.requestId, keyId: key?.id ?? null, alias: plan.alias });
      // An Idempotency-Key (src/idempotency/): a retry of a finished request is replayed here, uncharged.
      if (idempotency !== null && idempotencyKey !== null) {
        const { config } = runtime;
        const claim = { key: idempotencyKey, caller: key, api: protocol.api, body, request, alias: plan.alias, requestId: record.requestId, abort: lifetime.abort, waits: record };
        keyed = await idempotency.begin({ ...claim, config: config.idempotency, requestTimeoutMs: config.server.requestTimeoutMs });
        const replayed = await keyed.replay(out, request, lifetime.abort, endedEarly(endpoint, stream, model, plan, null));
        if (replayed !== null) {
          lifetime.dispose();
          return replayed;
        }
      }
      if (request.refusal !== undefined) throw request.refusal;
      // The response cache's second step: a hit is served here, before anything is reserved.
      if (cache !== null && probe !== null) {
        const { config } = runtime;
        const deadlineMs = config.server.requestTimeoutMs - (performance.now() - record.startedAt);
        const opening = cache.open({
          probe,
          settings: config.cache,
          plan,
          request,
          key,
          res: out,
          requestId: record.requestId,
          abort: lifetime.abort,
          waits: record,
          deadlineMs,
          // One recorder serves both: it keeps up to the larger bound, and each store skips what is over its own.
          recordBytes: keyed?.recorder == null ? 0 : keyed.maxEntryBytes,
        });
        // Awaited only when it is a promise: a miss on the memory store is decided at once.
        cached = opening instanceof Promise ? await opening : opening;
        if (cached.served !== null) {
          lifetime.dispose();
          // A retry of this request with its Idempotency-Key gets this response again, not another hit.
          await keyed?.endHit(cached.served, cached.copy);
          return tagged(keyed, cached.served);
        }
      }

      const { reservation } = plan;
      const recorder = cached?.recorder ?? keyed?.recorder ?? null;
      let meter: Meter | null = null;
      if (key !== null && budgets !== null && reservation !== null) {
        meter = await openMeter(budgets, key, request, reservation, res);
      }
      // Never throws: a client gone while its reservation was made, or attempts that all failed, come
      // back as its error, and the reservation is settled all the same (at zero when no engine worked).
      const result = await runAttempts(
        {
          request,
          plan,
          retry: runtime.config.retry,
          res: out,
          started: record,
          abort: lifetime.abort,
          guard: meter?.guard ?? null,
          metered: meter !== null,
          recorder,
          // An unmetered request (the store away, fail-open) gets no caps: they exist for the budget.
          outputCaps: meter === null ? null : plan.caps,
          cache: cached?.status ?? null,
        },
        proxy,
      );
      lifetime.dispose();
      if (meter !== null && budgets !== null && reservation !== null && key !== null) {
        if (settlesOnEstimate(result)) await loadTokenizer();
        const charged = closeMeter(budgets, meter, result, plan.chain);
        countKeyTokens(proxy.metrics, key.id, result.tier ?? plan.tier.name, result, charged);
        // Set on the result runAttempts made for this request, not on a spread copy: such a copy per
        // metered request was promoted to the old generation (0.3-0.5 KB a request with budgets in
        // memory, --trace-gc-nvp), and setting it instead read 0.82-0.86x the CPU per request, paired.
        result.charged = charged;
      }
      await keyed?.end(result, recorder);
      if (cached === null) return tagged(keyed, result);
      // A strict budget's cap on the upstream body depends on the key, not the request: its answer is not stored.
      const capped = meter !== null && result.answer !== null && plan.caps?.has(result.answer.pool) === true;
      const finishing = cached.finish(result, capped);
      if (finishing !== undefined) await finishing;
      return tagged(keyed, result);
    } catch (thrown) {
      // A request that ended before its answer lets its key go: the retry runs.
      await keyed?.end(null, null);
      // Identical requests waiting for this one must not wait for an answer that will never come.
      void cached?.finish(null, false);
      return tagged(keyed, { ...endedEarly(endpoint, stream, model, plan, thrown), cache: cached?.status ?? null });
    } finally {
      runtime.letGo();
    }
  };
}

/** The result with what idempotency did; a module function, not a closure: no allocation when idempotency is off. */
function tagged(keyed: KeyedRequest | null, result: RequestResult): RequestResult {
  return keyed === null ? result : keyed.tag(result);
}

/** The key and its standing, for the plan: budget pressure is read from the key's last reservation here. */
function callerOf(key: KeyRecord | null, budgets: BudgetService | null): Caller | null {
  if (key === null) return null;
  return { key, usedShare: budgets === null ? 0 : budgets.usedShare(key), budgets: budgets?.settings ?? null };
}

/** Inference bodies must be sent as JSON (a 415 otherwise). */
const JSON_BODY = { requireJsonType: true } as const;

/** An inference route: its handler, and the API its clients speak (their credential, the envelope of its errors). */
export interface InferenceRoute {
  readonly protocol: InboundProtocol;
  readonly handler: InferenceHandler;
}

/** The inference route table, path → route: built once, served by the inference lane alone (koa has no inference routes). */
export function inferenceRoutes(
  state: RouterState,
  proxy: ProxyDeps,
  budgets: BudgetService | null,
  cache: ResponseCache | null = null,
  idempotency: Idempotency | null = null,
  responses: ResponsesService | null = null,
): ReadonlyMap<string, InferenceRoute> {
  const route = (protocol: InboundProtocol): InferenceRoute => ({ protocol, handler: inference(protocol, state, proxy, budgets, cache, idempotency) });
  return new Map<string, InferenceRoute>([
    ['/v1/chat/completions', route(openaiProtocol('chat'))],
    ['/v1/completions', route(openaiProtocol('completions'))],
    ['/v1/embeddings', route(openaiProtocol('embeddings'))],
    ...messagesRoutes(route, state, budgets),
    ...(responses === null ? [] : ([['/v1/responses', route(responsesProtocol(responses))]] as const)),
  ]);
}
