// createApp: the inference lane, then koa. The lane serves the inference routes, every method on them;
// koa serves the rest (models, admin, health, metrics). No route is served by both.
import type { IncomingMessage, ServerResponse } from 'node:http';
import Koa from 'koa';
import { logAccess } from './http/access-log.js';
import type { AppDeps } from './http/deps.js';
import { inferenceRoutes } from './http/handlers/inference.js';
import { inferenceLane } from './http/inference-lane.js';
import { renderErrors } from './http/render-errors.js';
import { assignRequestId } from './http/request-id.js';
import { metricsRoutes, routes } from './http/routes.js';
import type { AppState } from './http/state.js';

/**
 * The server's request listener. A request on an inference path takes the lane (src/http/inference-lane.ts),
 * which runs its stages as plain calls without koa's per-request context; everything else goes through koa.
 */
export function createApp(deps: AppDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const lane = inferenceLane(inferenceRoutes(deps.state, deps.proxy, deps.budgets, deps.cache ?? null, deps.idempotency ?? null, deps.responses ?? null), deps);
  const koa = koaApp(deps).callback();
  return (req, res) => {
    if (!lane(req, res)) void koa(req, res);
  };
}

/**
 * The metrics listener's request listener (server.metricsPort): the scrape and the probes. Its requests
 * are not access-logged: a scrape every few seconds would drown the log of the API.
 */
export function createMetricsApp(deps: Pick<AppDeps, 'state' | 'logger' | 'metrics'>): (req: IncomingMessage, res: ServerResponse) => void {
  const app = new Koa<AppState>();
  app.use(assignRequestId);
  app.use(renderErrors(deps.logger));
  for (const middleware of metricsRoutes(deps)) app.use(middleware);
  app.silent = true;
  const callback = app.callback();
  // koa's callback catches its own errors; node:http ignores what a listener returns.
  return (req, res) => void callback(req, res);
}

function koaApp(deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>();
  app.use(assignRequestId);
  app.use(logAccess(deps.logger, deps.metrics));
  app.use(renderErrors(deps.logger));
  for (const middleware of routes(deps)) app.use(middleware);
  // Errors are rendered and logged by renderErrors; koa's own printing to stderr would only duplicate.
  app.silent = true;
  return app;
}
