// One log line per request, written after the response is done, and the request metrics.
import { performance } from 'node:perf_hooks';
import type { Logger } from '../observability/logger.js';
import type { RouterMetrics } from '../observability/metrics.js';
import type { RequestRecord } from '../observability/request-record.js';
import type { AppMiddleware } from './state.js';

export function logAccess(logger: Logger, metrics: RouterMetrics): AppMiddleware {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      const { record } = ctx.state;
      const durationMs = performance.now() - record.startedAt;
      const status = record.outcome === 'client_abort' ? 499 : ctx.res.headersSent ? ctx.res.statusCode : ctx.status;
      if (record.endpoint !== null) observeInference(metrics, record, durationMs);
      if (record.errorKind !== null) metrics.errors.inc({ kind: record.errorKind, origin: record.errorOrigin ?? 'router' });
      logger.info(
        {
          requestId: record.requestId,
          method: ctx.method,
          path: ctx.path,
          status,
          durationMs: round(durationMs),
          endpoint: record.endpoint ?? undefined,
          model: record.model ?? undefined,
          tier: record.tier ?? undefined,
          complexity: record.complexity ?? undefined,
          reason: record.reason ?? undefined,
          pool: record.pool ?? undefined,
          replica: record.replica ?? undefined,
          stream: record.endpoint === null ? undefined : record.stream,
          outcome: record.outcome,
          errorKind: record.errorKind ?? undefined,
          origin: record.errorOrigin ?? undefined,
          error: record.errorMessage ?? undefined,
          ttftMs: record.ttftMs === null ? undefined : round(record.ttftMs),
          promptTokens: record.promptTokens ?? undefined,
          completionTokens: record.completionTokens ?? undefined,
          attempts: record.attempts.length > 0 ? record.attempts.map((a) => ({ ...a, ms: round(a.ms), firstByteMs: a.firstByteMs === null ? undefined : round(a.firstByteMs) })) : undefined,
        },
        'request',
      );
    }
  };
}

function observeInference(metrics: RouterMetrics, record: RequestRecord, durationMs: number): void {
  const model = record.model ?? 'unknown';
  const tier = record.tier ?? 'none';
  const pool = record.pool ?? 'none';
  metrics.requests.inc({ model, tier, pool, outcome: record.outcome });
  metrics.requestDuration.observe({ model, tier }, durationMs / 1000);
  metrics.overhead.observe(Math.max(0, durationMs - record.upstreamMs) / 1000);
  if (record.ttftMs !== null) metrics.timeToFirstToken.observe({ model, tier, pool }, record.ttftMs / 1000);
  if (record.promptTokens !== null) metrics.tokens.inc({ model, tier, pool, direction: 'prompt' }, record.promptTokens);
  if (record.completionTokens !== null) {
    metrics.tokens.inc({ model, tier, pool, direction: 'completion' }, record.completionTokens);
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
