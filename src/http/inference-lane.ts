// The hot path: POSTs to the inference routes served straight from node:http. They run the stages of
// app.ts's koa chain (request id, access log, errors, authentication, handler) as plain calls, because
// koa's per-request context, compose chain, router and finish tracking cost about a tenth of the
// router's own CPU per request (README, Benchmarks). Only an exact POST takes this lane; any other
// method or path, and so every 404 and 405, stays with koa, which serves these routes too.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BudgetService } from '../budgets/service.js';
import type { Logger } from '../observability/logger.js';
import type { RouterMetrics } from '../observability/metrics.js';
import { accessRecorder, finalStatus, type AccessRecorder } from './access-log.js';
import { identifyCaller } from './authenticate.js';
import type { InferenceHandler } from './handlers/inference.js';
import { failureToRender, writeError } from './render-errors.js';
import { startRecord } from './request-id.js';
import type { RouterState } from './state.js';

/** Takes the request and answers it, or returns false to leave it to koa. */
export type Lane = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface LaneDeps {
  readonly state: RouterState;
  readonly logger: Logger;
  readonly metrics: RouterMetrics;
  readonly budgets: BudgetService | null;
}

export function inferenceLane(routes: ReadonlyMap<string, InferenceHandler>, deps: LaneDeps): Lane {
  const serve = serveCall(deps, accessRecorder(deps.logger, deps.metrics));
  const { logger } = deps;
  return (req, res) => {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const handler = routes.get(path);
    if (handler === undefined) return false;
    serve(handler, path, req, res).catch((thrown: unknown) => {
      // Only the error rendering or the access log can land here; neither should, and no request may hang.
      logger.error({ err: thrown }, 'request failed outside its handler');
      res.destroy();
    });
    return true;
  };
}

type ServeCall = (handler: InferenceHandler, path: string, req: IncomingMessage, res: ServerResponse) => Promise<void>;

function serveCall({ state, logger, budgets }: LaneDeps, recordAccess: AccessRecorder): ServeCall {
  return async (handler, path, req, res) => {
    const record = startRecord(req, res);
    try {
      const key = budgets === null ? null : await identifyCaller(req.headers.authorization, record, state, budgets);
      await handler({ req, res, record, key });
    } catch (thrown) {
      const error = failureToRender(thrown, record, res, logger);
      if (error !== null) writeError(res, error);
    } finally {
      recordAccess('POST', path, finalStatus(record, res, res.statusCode), record);
    }
  };
}
