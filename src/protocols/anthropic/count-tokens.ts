// POST /v1/messages/count_tokens (@anthropic-ai/sdk 1.16.0 MessageCountTokensParams → MessageTokensCount
// {input_tokens}). The key's policy applies as for a real request (its models and tiers, a pinned tier;
// an unknown model is a 404), but nothing is classified, reserved, charged or sent to an engine: the prompt is counted with
// the budgets' tokenizer (cl100k, src/budgets/estimate.ts), an estimate of what the served model will
// count, and the x-switchyard-token-count header says so. An Idempotency-Key is not read, even a
// malformed one: nothing runs or is charged, so a retry is harmless already (README, Idempotency keys).
import { allowedTier } from '../../budgets/key-policy.js';
import type { BudgetService } from '../../budgets/service.js';
import { estimateCost, loadTokenizer } from '../../budgets/estimate.js';
import type { InferenceHandler } from '../../http/handlers/inference.js';
import { readJsonBody } from '../../http/read-json.js';
import type { RouterState } from '../../http/state.js';
import { endedEarly } from '../../proxy/results.js';
import { findRoute } from '../../routing/decide.js';
import { admit } from '../../routing/plan.js';
import type { InboundProtocol } from '../protocol.js';

export function countTokens(protocol: InboundProtocol, state: RouterState, budgets: BudgetService | null): InferenceHandler {
  return async ({ req, res, record, key }) => {
    const runtime = state.runtime;
    let model: string | null = null;
    try {
      const body = await readJsonBody(req, runtime.config.server.maxBodyBytes, { requireJsonType: true });
      const request = await protocol.parse(body, { runtime, key, headers: req.headers });
      // As the inference handler does: an unknown model names only the aliases this key may use, a
      // pinned tier must be one of the model's, and a key that may use none of its tiers is refused.
      const route = findRoute(runtime.routes, request.model, key?.models ?? null);
      model = route.alias;
      const pinned = req.headers['x-switchyard-tier'];
      admit(route, request, key === null ? null : { key, usedShare: 0, budgets: budgets?.settings ?? null }, typeof pinned === 'string' && pinned !== '' ? pinned : null);
      if (key !== null && route.tiers[0] !== undefined) allowedTier(key, route, route.tiers[0]);
      // Loaded at start when budgets are on; otherwise on the first count (once, ~0.1 s).
      await loadTokenizer();
      const tokens = estimateCost(request, runtime.config.budgets).promptTokens;
      const answer = `{"input_tokens":${tokens}}`;
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(answer),
        'request-id': record.requestId,
        'x-switchyard-model': route.alias,
        'x-switchyard-token-count': 'estimate',
      });
      res.end(answer);
      return { ...endedEarly('chat', false, model, null, null), served: 'router' };
    } catch (thrown) {
      return endedEarly('chat', false, model, null, thrown);
    }
  };
}
