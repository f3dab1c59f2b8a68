// One log line per request, written after the response is done, and the request metrics.
import { performance } from 'node:perf_hooks';
import { formatAccessLine } from '../observability/access-line.js';
import { logDestination, type Logger } from '../observability/logger.js';
import type { RouterMetrics } from '../observability/metrics.js';
import type { RequestRecord } from '../observability/request-record.js';
import type { AppMiddleware } from './state.js';

export function logAccess(logger: Logger, metrics: RouterMetrics): AppMiddleware {
  const observe = requestObserver(metrics);
  const destination = logDestination(logger);
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      const { record } = ctx.state;
      const durationMs = performance.now() - record.startedAt;
      const status = record.outcome === 'client_abort' ? 499 : ctx.res.headersSent ? ctx.res.statusCode : ctx.status;
      if (record.endpoint !== null) observe(record, durationMs);
      if (record.errorKind !== null) metrics.errors.inc({ kind: record.errorKind, origin: record.errorOrigin ?? 'router' });
      if (logger.isLevelEnabled('info')) destination.write(formatAccessLine({ method: ctx.method, path: ctx.path, status, durationMs }, record));
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
