// The only place errors become responses: OpenAI's envelope, the table's status, no internals.
import type { Logger } from '../observability/logger.js';
import { asRouterError, errorBody } from '../openai/errors.js';
import type { AppMiddleware } from './state.js';
import { ClientGone } from '../proxy/request-lifetime.js';

export function renderErrors(logger: Logger): AppMiddleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (thrown) {
      const { record } = ctx.state;
      if (thrown instanceof ClientGone) {
        record.outcome = 'client_abort';
        ctx.respond = false;
        return;
      }
      const error = asRouterError(thrown);
      record.outcome = error.kind;
      record.errorKind = error.kind;
      record.errorOrigin = error.origin;
      record.errorMessage = error.message;
      if (error.kind === 'internal') {
        logger.error({ requestId: record.requestId, err: error.cause }, 'unhandled error');
      }
      if (ctx.res.headersSent) {
        // Committed responses handle their own failures; this is a last resort that must not throw.
        ctx.respond = false;
        if (!ctx.res.writableEnded) ctx.res.end();
        return;
      }
      ctx.respond = true;
      ctx.status = error.status;
      for (const [name, value] of Object.entries(error.headers)) ctx.set(name, value);
      ctx.body = errorBody(error);
    }
  };
}
