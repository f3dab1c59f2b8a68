// One log line per request, written after the response is done, and the request metrics. Both read
// the request's record (its id, start, and the failure the renderer answered) and, for an inference
// request, what it did (src/proxy/results.ts): the handler's returned result.
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { nanoToUsd } from '../cost/money.js';
import { formatAccessLine } from '../observability/access-line.js';
import { logDestination, type Logger } from '../observability/logger.js';
import type { RouterMetrics } from '../observability/metrics.js';
import type { RequestRecord } from '../observability/request-record.js';
import { lastAttempt, upstreamMs, type RequestResult } from '../proxy/results.js';
import type { AppMiddleware } from './state.js';

/**
 * Records a finished request: its metrics, and its access line when info is on. `unsent`: the status
 * to log when no response head went out; `result`: an inference request's, else null.
 */
export type AccessRecorder = (method: string, path: string, res: ServerResponse, unsent: number, record: RequestRecord, result: RequestResult | null) => void;

export function accessRecorder(logger: Logger, metrics: RouterMetrics): AccessRecorder {
  const observe = requestObserver(metrics);
  const destination = logDestination(logger);
  return (method, path, res, unsent, record, result) => {
    const durationMs = performance.now() - record.startedAt;
    // A failure the renderer answered is how the request ended; otherwise the answer's own ending
    // (a committed stream may still end in an error event, or with the client gone).
    const answer = result?.answer ?? null;
    const outcome = record.outcome ?? answer?.outcome ?? 'ok';
    const error = record.outcome !== null ? record.error : (answer?.error ?? null);
    if (result !== null) observe(result, outcome, durationMs, durationMs - record.waitedMs);
    if (error !== null) metrics.errors.inc({ kind: error.kind, origin: error.origin });
    if (logger.isLevelEnabled('info')) {
      // The status the client saw: 499 when it left first, as nginx logs it.
      const status = outcome === 'client_abort' ? 499 : res.headersSent ? res.statusCode : unsent;
      destination.write(formatAccessLine({ requestId: record.requestId, method, path, status, durationMs, outcome, error }, result));
    }
  };
}

export function logAccess(logger: Logger, metrics: RouterMetrics): AppMiddleware {
  const recordAccess = accessRecorder(logger, metrics);
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      recordAccess(ctx.method, ctx.path, ctx.res, ctx.status, ctx.state.record, null);
    }
  };
}

/** `busyMs`: the request's duration but its waits on purpose (RequestRecord.waitedMs). */
function requestObserver(metrics: RouterMetrics): (result: RequestResult, outcome: string, durationMs: number, busyMs: number) => void {
  const overhead = metrics.overhead.series();
  return (result, outcome, durationMs, busyMs) => {
    const model = result.model ?? 'unknown';
    const tier = result.tier ?? 'none';
    const pool = lastAttempt(result)?.pool ?? 'none';
    metrics.requests.series(model, tier, pool, outcome).inc();
    metrics.requestDuration.series(model, tier).observe(durationMs / 1000);
    overhead.observe(Math.max(0, busyMs - upstreamMs(result)) / 1000);
    const answer = result.answer;
    if (answer === null) return;
    if (answer.ttftMs !== null) metrics.timeToFirstToken.series(model, tier, pool).observe(answer.ttftMs / 1000);
    if (answer.promptTokens !== null) metrics.tokens.series(model, tier, pool, 'prompt').inc(answer.promptTokens);
    if (answer.completionTokens !== null) metrics.tokens.series(model, tier, pool, 'completion').inc(answer.completionTokens);
    if (result.costNanoUsd !== null && result.costNanoUsd > 0) metrics.cost.cost.series(model, tier, pool).inc(nanoToUsd(result.costNanoUsd));
  };
}
