// The only place errors become responses: OpenAI's envelope, the table's status, no internals.
import type { ServerResponse } from 'node:http';
import type { Logger } from '../observability/logger.js';
import type { RequestRecord } from '../observability/request-record.js';
import { asRouterError, errorBody, type RouterError } from '../openai/errors.js';
import { writeAnthropicError } from '../protocols/anthropic/errors.js';
import { asksAnthropicModels, isModelsPath } from '../protocols/anthropic/model-list.js';
import { isMessagesPath } from '../protocols/anthropic/paths.js';
import { ClientGone } from '../proxy/request-lifetime.js';
import type { AppMiddleware } from './state.js';

/**
 * Notes a failure in the request's record and says what to answer: the error to render, or null when
 * no one is left to answer or the response is already committed (it is ended here, as a last resort).
 */
export function failureToRender(thrown: unknown, record: RequestRecord, res: ServerResponse, logger: Logger): RouterError | null {
  if (thrown instanceof ClientGone) {
    record.outcome = 'client_abort';
    return null;
  }
  const error = asRouterError(thrown);
  record.outcome = error.kind;
  record.error = error;
  if (error.kind === 'internal') logger.error({ requestId: record.requestId, err: error.cause }, 'unhandled error');
  if (res.headersSent) {
    // Committed responses handle their own failures; ending one here must not throw.
    if (!res.writableEnded) res.end();
    return null;
  }
  return error;
}

/** The error response written straight to node:http: byte for byte what koa sends for `ctx.body = errorBody(error)`. */
export function writeError(res: ServerResponse, error: RouterError): void {
  const body = JSON.stringify(errorBody(error));
  res.statusCode = error.status;
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

export function renderErrors(logger: Logger): AppMiddleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (thrown) {
      const error = failureToRender(thrown, ctx.state.record, ctx.res, logger);
      if (error === null) {
        ctx.respond = false;
        return;
      }
      if (isMessagesPath(ctx.path) || (isModelsPath(ctx.path) && asksAnthropicModels(ctx.req.headers))) {
        // An unknown path under the Messages API (its SDK's batches, a typo), or an Anthropic client's
        // models call (model-list.ts): Anthropic's envelope.
        writeAnthropicError(ctx.res, error, ctx.state.record.requestId);
        ctx.respond = false;
        return;
      }
      ctx.respond = true;
      ctx.status = error.status;
      for (const [name, value] of Object.entries(error.headers)) ctx.set(name, value);
      ctx.body = errorBody(error);
    }
  };
}
