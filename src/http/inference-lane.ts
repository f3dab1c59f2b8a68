// The one path of the inference routes, served straight from node:http: koa's per-request context,
// compose chain, router and finish tracking cost about a tenth of the router's own CPU per request
// (README, Benchmarks), so koa keeps the routes that are not per-token work (admin, models, health,
// metrics) and serves no inference route. The lane answers every request whose path is an inference
// route, whatever its method; paths match exactly, as koa's table does, and any other spelling stays
// with koa, which answers it 404.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../observability/logger.js';
import type { RequestRecord } from '../observability/request-record.js';
import { endedEarly, type RequestResult } from '../proxy/results.js';
import { accessRecorder } from './access-log.js';
import { identifyCaller } from './authenticate.js';
import type { AppDeps } from './deps.js';
import type { InferenceRoute } from './handlers/inference.js';
import type { InboundProtocol } from '../protocols/protocol.js';
import { otherMethod } from './other-methods.js';
import { failureToRender } from './render-errors.js';
import { startRecord } from './request-id.js';
import { requestPath } from './request-path.js';

/** Takes the request and answers it, or returns false to leave it to koa. */
export type Lane = (req: IncomingMessage, res: ServerResponse) => boolean;

export type LaneDeps = Pick<AppDeps, 'state' | 'logger' | 'metrics' | 'budgets'>;

export function inferenceLane(routes: ReadonlyMap<string, InferenceRoute>, deps: LaneDeps): Lane {
  const serve = serveCall(deps);
  const { logger } = deps;
  return (req, res) => {
    const path = requestPath(req.url ?? '');
    if (path === null) return false;
    const route = routes.get(path);
    if (route === undefined) return false;
    serve(route, req.method ?? '', path, req, res).catch((thrown: unknown) => {
      // Only the error rendering or the access log can land here; neither should, and no request may hang.
      logger.error({ err: thrown }, 'request failed outside its handler');
      res.destroy();
    });
    return true;
  };
}

type ServeCall = (route: InferenceRoute, method: string, path: string, req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * The stages of an inference request, in order: request id, caller's key, handler, error rendering,
 * access line. The handler returns what the request did; only the record (id, start, the failure
 * rendered) is shared between the stages.
 */
function serveCall({ state, logger, metrics, budgets }: LaneDeps): ServeCall {
  const recordAccess = accessRecorder(logger, metrics);
  const refuse = otherMethod(logger);
  return async ({ protocol, handler }, method, path, req, res) => {
    const record = startRecord(req, res);
    let result: RequestResult | null = null;
    try {
      if (method === 'POST') {
        const key = budgets === null ? null : await identifyCaller(protocol.credential(req.headers), state, budgets);
        result = await handler({ req, res, record, key });
        // A cache hit or a replay has no attempt's answer: only its error (the client gone) is rendered.
        if (result.answer === null && (result.served === 'engine' || result.error !== null)) render(result.error, record, res, logger, protocol);
      } else {
        refuse(method, path, record, res, protocol);
      }
    } catch (thrown) {
      render(thrown, record, res, logger, protocol);
    } finally {
      // Refused before its handler ran (a bad or missing key, a method other than POST): still an
      // inference request, counted as one, of no model.
      recordAccess(method, path, res, res.statusCode, record, result ?? endedEarly(protocol.endpoint, false, null, null, record.error));
    }
  };
}

/** The failure in the envelope of the route's API. */
function render(thrown: unknown, record: RequestRecord, res: ServerResponse, logger: Logger, protocol: InboundProtocol): void {
  const error = failureToRender(thrown, record, res, logger);
  if (error !== null) protocol.writeError(res, error, record.requestId);
}
