// What the request listeners are built from: the live state and the process's services. Its own module
// so that app.ts, the koa route table and the inference lane all import it and none imports another.
import type { BudgetService } from '../budgets/service.js';
import type { ResponseCache } from '../cache/service.js';
import type { Idempotency } from '../idempotency/service.js';
import type { Logger } from '../observability/logger.js';
import type { RouterMetrics } from '../observability/metrics.js';
import type { ProxyDeps } from '../proxy/attempts.js';
import type { ResponsesService } from '../protocols/responses/service.js';
import type { ReloadResult, ReloadTrigger } from '../reload.js';
import type { RouterState } from './state.js';

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
  /** The response cache (src/cache/); absent or null: no alias is cached. */
  readonly cache?: ResponseCache | null;
  /** Requests with an Idempotency-Key (src/idempotency/); absent or null: the header is ignored. */
  readonly idempotency?: Idempotency | null;
  /** Stored OpenAI Responses (src/protocols/responses/); absent or null: /v1/responses is not served. */
  readonly responses?: ResponsesService | null;
  /** /metrics is served by a listener of its own (server.metricsPort), so not on this one. */
  readonly metricsListener: boolean;
}
