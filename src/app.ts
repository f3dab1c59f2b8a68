// createApp: the middleware list is the architecture.
import Koa from 'koa';
import type { BudgetService } from './budgets/service.js';
import { logAccess } from './http/access-log.js';
import { authenticate } from './http/authenticate.js';
import { renderErrors } from './http/render-errors.js';
import { assignRequestId } from './http/request-id.js';
import { routes } from './http/routes.js';
import type { AppState, RouterState } from './http/state.js';
import type { Logger } from './observability/logger.js';
import type { RouterMetrics } from './observability/metrics.js';
import type { ProxyDeps } from './proxy/attempts.js';
import type { ReloadResult, ReloadTrigger } from './reload.js';

export interface AppDeps {
  readonly state: RouterState;
  readonly logger: Logger;
  readonly metrics: RouterMetrics;
  readonly proxy: ProxyDeps;
  /** SWITCHYARD_ADMIN_TOKEN; null turns the admin API off. */
  readonly adminToken: string | null;
  readonly reload: (trigger: ReloadTrigger) => Promise<ReloadResult>;
  /** Keys and budgets; null when the router runs open (no keys, no admin token). */
  readonly budgets: BudgetService | null;
}

export function createApp(deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>();
  app.use(assignRequestId);
  app.use(logAccess(deps.logger, deps.metrics));
  app.use(renderErrors(deps.logger));
  app.use(authenticate(deps.state, deps.budgets));
  for (const middleware of routes(deps)) app.use(middleware);
  // Errors are rendered and logged by renderErrors; koa's own printing to stderr would only duplicate.
  app.silent = true;
  return app;
}
