// A method other than POST on an inference path. The lane answers it itself, with the bytes koa's route
// table and allowedMethods used to send (header names as koa spelled them), so clients see no change:
// OPTIONS lists POST, anything else is OpenAI's 405 (another API's route answers in its own envelope).
// No key is asked for: nothing is served.
import type { ServerResponse } from 'node:http';
import type { Logger } from '../observability/logger.js';
import type { RequestRecord } from '../observability/request-record.js';
import { errorBody, RouterError } from '../openai/errors.js';
import type { InboundProtocol } from '../protocols/protocol.js';
import { failureToRender } from './render-errors.js';

/** The only method an inference route takes. */
const ALLOWED = 'POST';

export type OtherMethod = (method: string, path: string, record: RequestRecord, res: ServerResponse, protocol?: InboundProtocol) => void;

export function otherMethod(logger: Logger): OtherMethod {
  return (method, path, record, res, protocol) => {
    if (method === 'OPTIONS') {
      res.statusCode = 200;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.setHeader('Content-Length', 0);
      res.setHeader('Allow', ALLOWED);
      res.end();
      return;
    }
    const refused = new RouterError('method_not_allowed', `Method not allowed (${method} ${path}); allowed: ${ALLOWED}.`, {
      headers: { allow: ALLOWED },
    });
    // Noted in the record like every failure, so the access line and the error counter read it.
    const error = failureToRender(refused, record, res, logger);
    if (error === null) return;
    if (protocol !== undefined && protocol.api !== 'openai') {
      protocol.writeError(res, error, record.requestId);
      return;
    }
    const body = JSON.stringify(errorBody(error));
    res.statusCode = error.status;
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    // A HEAD response carries no body; node:http drops it and keeps the length, as koa did.
    res.end(body);
  };
}
