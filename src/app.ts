// createApp: the middleware list is the architecture.
import Koa from 'koa';
import { logAccess } from './http/access-log.js';
import { renderErrors } from './http/render-errors.js';
import { assignRequestId } from './http/request-id.js';
import { routes } from './http/routes.js';
import type { AppState, RouterState } from './http/state.js';
import type { Logger } from './observability/logger.js';
import type { RouterMetrics } from './observability/metrics.js';

export interface AppDeps {
  readonly state: RouterState;
  readonly logger: Logger;
  readonly metrics: RouterMetrics;
}

export function createApp({ state, logger, metrics }: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>();
  app.use(assignRequestId);
  app.use(logAccess(logger, metrics));
  app.use(renderErrors(logger));
  for (const middleware of routes(state, metrics)) app.use(middleware);
  // Errors are rendered and logged by renderErrors; koa's own printing to stderr would only duplicate.
  app.silent = true;
  return app;
}
