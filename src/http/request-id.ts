// x-request-id in and out: a caller's id is kept when it is sane, so traces join up across services.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { newRequestRecord } from '../observability/request-record.js';
import type { AppMiddleware } from './state.js';

const SANE_ID = /^[\w.:-]{1,128}$/;

export const assignRequestId: AppMiddleware = async (ctx, next) => {
  const given = ctx.get('x-request-id');
  const requestId = SANE_ID.test(given) ? given : randomUUID();
  ctx.state.record = newRequestRecord(requestId, performance.now());
  ctx.set('x-request-id', requestId);
  await next();
};
