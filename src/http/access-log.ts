// One log line per request, written after the response is done, and the request metrics.
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { formatAccessLine } from '../observability/access-line.js';
import { logDestination, type Logger } from '../observability/logger.js';
import type { RouterMetrics } from '../observability/metrics.js';
import type { RequestRecord } from '../observability/request-record.js';
import type { AppMiddleware } from './state.js';

/** Records a finished request: its metrics, and its access line when info is on. */
export type AccessRecorder = (method: string, path: string, status: number, record: RequestRecord) => void;

export function accessRecorder(logger: Logger, metrics: RouterMetrics): AccessRecorder {
  const observe = requestObserver(metrics);
  const destination = logDestination(logger);
  return (method, path, status, record) => {
    const durationMs = performance.now() - record.startedAt;
    if (record.endpoint !== null) observe(record, durationMs);
    if (record.errorKind !== null) metrics.errors.inc({ kind: record.errorKind, origin: record.errorOrigin ?? 'router' });
    if (logger.isLevelEnabled('info')) destination.write(formatAccessLine({ method, path, status, durationMs }, record));
  };
}

/** The status the client saw: 499 when it left first, as nginx logs it. */
export function finalStatus(record: RequestRecord, res: ServerResponse, unsent: number): number {
  return record.outcome === 'client_abort' ? 499 : res.headersSent ? res.statusCode : unsent;
}

export function logAccess(logger: Logger, metrics: RouterMetrics): AppMiddleware {
  const recordAccess = accessRecorder(logger, metrics);
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      recordAccess(ctx.method, ctx.path, finalStatus(ctx.state.record, ctx.res, ctx.status), ctx.state.record);
    }
  };
}

function requestObserver(metrics: RouterMetrics): (record: RequestRecord, durationMs: number) => void {
  const overhead = metrics.overhead.series();
  return (record, durationMs) => {
    const model = record.model ?? 'unknown';
    const tier = record.tier ?? 'none';
    const pool = record.pool ?? 'none';
    metrics.requests.series(model, tier, pool, record.outcome).inc();
    metrics.requestDuration.series(model, tier).observe(durationMs / 1000);
    overhead.observe(Math.max(0, durationMs - record.upstreamMs) / 1000);
    if (record.ttftMs !== null) metrics.timeToFirstToken.series(model, tier, pool).observe(record.ttftMs / 1000);
    if (record.promptTokens !== null) metrics.tokens.series(model, tier, pool, 'prompt').inc(record.promptTokens);
    if (record.completionTokens !== null) metrics.tokens.series(model, tier, pool, 'completion').inc(record.completionTokens);
  };
}
