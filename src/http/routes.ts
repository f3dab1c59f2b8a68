// Method + path → handler, and who may call it, for everything but inference (the lane serves those
// routes, src/http/inference-lane.ts). Paths match exactly (case-sensitive, no trailing slash), as the
// lane's do, and each route names its own gate (a client's key, the admin token), so authentication
// cannot depend on how a path is spelled.
import Router from '@koa/router';
import { RouterError } from '../openai/errors.js';
import { requireAdmin } from './admin-auth.js';
import { asksAnthropicModels } from '../protocols/anthropic/model-list.js';
import { anthropicCredential, messagesProtocol } from '../protocols/anthropic/protocol.js';
import { responsesProtocol } from '../protocols/responses/protocol.js';
import { authenticate } from './authenticate.js';
import { bearerToken } from './bearer.js';
import type { AppDeps } from './deps.js';
import { adminKeys } from './handlers/admin-keys.js';
import { adminPools } from './handlers/admin-pools.js';
import { reloadConfig } from './handlers/admin-reload.js';
import { adminRoute } from './handlers/admin-route.js';
import { healthz, metricsEndpoint, readyz } from './handlers/health.js';
import { getModel, listModels } from './handlers/models.js';
import { responsesState } from './handlers/responses-state.js';
import type { AppMiddleware, AppState } from './state.js';

export function routes(deps: AppDeps): AppMiddleware[] {
  const { state, metrics, budgets } = deps;
  const admin = requireAdmin(deps.adminToken);
  const caller = authenticate(state, budgets);
  const router = new Router<AppState>({ sensitive: true, strict: true });
  // An Anthropic client's models calls carry its key as its Messages calls do (x-api-key).
  const modelsCaller = authenticate(state, budgets, (headers) => (asksAnthropicModels(headers) ? anthropicCredential(headers) : bearerToken(headers.authorization)));
  router.get('/v1/models', modelsCaller, listModels(state));
  router.get('/v1/models/{*id}', modelsCaller, getModel(state));
  if (deps.responses != null) {
    // Stored responses of POST /v1/responses (served by the inference lane): reads, not per-token work.
    const stored = responsesState(deps.responses, state);
    router.get('/v1/responses/:id', caller, stored.get);
    router.delete('/v1/responses/:id', caller, stored.remove);
    router.get('/v1/responses/:id/input_items', caller, stored.inputItems);
    router.post('/v1/responses/:id/cancel', caller, stored.cancel);
  }
  router.get('/healthz', healthz);
  router.get('/readyz', readyz(state));
  // Key ids and per-key usage are in the scrape: not for clients' keys.
  if (!deps.metricsListener) router.get('/metrics', admin, metricsEndpoint(metrics));
  router.get('/admin/pools', admin, adminPools(state));
  router.post('/admin/config/reload', admin, reloadConfig(deps.reload));
  const translated = new Map([['messages', messagesProtocol()], ...(deps.responses == null ? [] : ([['responses', responsesProtocol(deps.responses)]] as const))]);
  router.post('/admin/route', admin, adminRoute(state, translated));
  const keys = adminKeys(state, budgets);
  router.post('/admin/keys', admin, keys.create);
  router.get('/admin/keys', admin, keys.list);
  router.get('/admin/keys/:id', admin, keys.get);
  router.patch('/admin/keys/:id', admin, keys.update);
  router.delete('/admin/keys/:id', admin, keys.remove);
  router.post('/admin/keys/:id/reset', admin, keys.reset);
  return [rejectUnmatched, router.routes() as AppMiddleware, router.allowedMethods() as AppMiddleware];
}

/** The metrics listener's table: no auth, since server.metricsPort is for scrapers and probes, not clients. */
export function metricsRoutes(deps: Pick<AppDeps, 'state' | 'metrics'>): AppMiddleware[] {
  const router = new Router<AppState>({ sensitive: true, strict: true });
  router.get('/metrics', metricsEndpoint(deps.metrics));
  router.get('/healthz', healthz);
  router.get('/readyz', readyz(deps.state));
  return [rejectUnmatched, router.routes() as AppMiddleware, router.allowedMethods() as AppMiddleware];
}

/** Unknown paths and wrong methods get OpenAI-shaped errors instead of koa's plain text. */
const rejectUnmatched: AppMiddleware = async (ctx, next) => {
  await next();
  if (ctx.respond === false || (ctx.body !== undefined && ctx.body !== null)) return;
  const where = `${ctx.method} ${ctx.path}`;
  if (ctx.status === 405 || ctx.status === 501) {
    const allow = ctx.response.get('Allow');
    throw new RouterError('method_not_allowed', `Method not allowed (${where}); allowed: ${allow}.`, {
      headers: { allow },
    });
  }
  if (ctx.status === 404) throw new RouterError('not_found', `Invalid URL (${where}).`);
};
