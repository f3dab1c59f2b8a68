// x-request-id in and out: a caller's id is kept when it is sane, so traces join up across services.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { newRequestRecord, type RequestRecord } from '../observability/request-record.js';
import type { AppMiddleware } from './state.js';

const SANE_ID = /^[\w.:-]{1,128}$/;

/** The request's record, under the caller's id or a new one, which the response echoes. */
export function startRecord(req: IncomingMessage, res: ServerResponse): RequestRecord {
  const given = req.headers['x-request-id'];
  const requestId = typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', requestId);
  return newRequestRecord(requestId, performance.now());
}

export const assignRequestId: AppMiddleware = async (ctx, next) => {
  ctx.state.record = startRecord(ctx.req, ctx.res);
  await next();
};
