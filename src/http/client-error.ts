// What a client that breaks HTTP gets. node:http reports a request it cannot take as 'clientError': a
// head or body not received within server.headersTimeoutMs / bodyTimeoutMs, a head over
// server.maxHeaderBytes, bytes that are not HTTP. Node's own answer is bare text; this one is OpenAI's
// envelope, like every other error (Anthropic's for a body a Messages handler was reading), and then
// the connection is closed.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../observability/logger.js';
import type { RouterMetrics } from '../observability/metrics.js';
import { errorBody, RouterError } from '../openai/errors.js';
import { writeAnthropicError } from '../protocols/anthropic/errors.js';
import { isMessagesPath } from '../protocols/anthropic/paths.js';
import { writeError } from './render-errors.js';
import { requestPath } from './request-path.js';

/**
 * node:http's own links from a socket to the response in flight on it (its socketOnError reads the
 * same) and to the request its parser is reading.
 */
type ServerSocket = Duplex & {
  _httpMessage?: ServerResponse | null;
  parser?: { incoming: IncomingMessage | null } | null;
};

interface Answer {
  readonly error: RouterError;
  /** The whole response, for a socket with no response in flight: built once. */
  readonly bytes: string;
}

export function clientErrorHandler(maxHeaderBytes: number, metrics: RouterMetrics, logger: Logger): (error: Error & { code?: string }, socket: Duplex) => void {
  // No request was read, so there is no access line: one line of its own says what was refused.
  const refused = (reply: RouterError): void => {
    metrics.errors.inc({ kind: reply.kind, origin: reply.origin });
    logger.info({ status: reply.status, errorKind: reply.kind, origin: reply.origin }, 'refused a request it could not read');
  };
  const close = { headers: { connection: 'close' } };
  const timeout = answer(new RouterError('request_timeout', 'The request was not received in time; the connection is closed.', close));
  const tooLarge = answer(new RouterError('headers_too_large', `The request headers are larger than the limit of ${maxHeaderBytes} bytes.`, close));
  const malformed = answer(new RouterError('bad_request', 'The request is not valid HTTP/1.1.', close));
  return (error, socket: ServerSocket) => {
    // A reset, a socket already gone, or a client that closed its side mid-request (EOF inside a head or
    // a body) leaves no one to answer: the request is failed as the client's leaving (499), not a 400.
    if (error.code === 'ECONNRESET' || error.code === 'HPE_INVALID_EOF_STATE' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { error: reply, bytes } = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? timeout : error.code === 'HPE_HEADER_OVERFLOW' ? tooLarge : malformed;
    const res = socket._httpMessage;
    if (res !== null && res !== undefined && res.req.complete) {
      // The request in flight was read whole: the bytes that broke are a later one's, pipelined behind
      // it. Its answer goes out first (answering through it would replace a valid request's answer
      // with this error), then this one, and the connection closes.
      refused(reply);
      res.once('close', () => (socket.writable ? socket.end(bytes, () => socket.destroy()) : socket.destroy()));
      return;
    }
    if (res !== null && res !== undefined) {
      if (res.headersSent) {
        socket.destroy();
        return;
      }
      // Not counted here: the handler's read fails with this answer, and the request's own error count takes it.
      answerUnreadRequest(res, reply);
      return;
    }
    const reading = socket.parser?.incoming;
    if (reading !== null && reading !== undefined && !reading.complete) {
      // The request was answered before its body arrived (a 401, a 404): a second answer would be read
      // as the response to a request the client has not sent.
      socket.destroy();
      return;
    }
    refused(reply);
    socket.end(bytes, () => socket.destroy());
  };
}

/**
 * Answers `reply` through the response of a request whose body a handler is still reading (its headers
 * not sent), so the handler finds one committed response when its read fails with `reply`, and no
 * second one is written; then the connection closes. The request ends as `reply` says, in its access
 * line and its counts. Also how a shutdown whose grace ran out ends an upload still under way.
 */
export function answerUnreadRequest(res: ServerResponse, reply: RouterError): void {
  res.once('finish', () => {
    res.socket?.destroy();
    // node:http forgets a request once its response has finished, so closing the socket no longer
    // fails the body's read: without this the handler would wait for the rest of the body forever,
    // and the request would never be settled or logged. Only a request someone is reading is
    // failed: an 'error' without a listener would be thrown.
    const req = res.req;
    if (!req.complete && !req.destroyed) req.destroy(req.listenerCount('error') > 0 ? reply : undefined);
  });
  writeInItsEnvelope(res, reply);
}

/** The error in the envelope of the API the request's path belongs to (only a handler's response has one). */
function writeInItsEnvelope(res: ServerResponse, error: RouterError): void {
  const path = requestPath(res.req.url ?? '');
  if (path !== null && isMessagesPath(path)) writeAnthropicError(res, error, String(res.getHeader('x-request-id') ?? ''));
  else writeError(res, error);
}

/**
 * Requests node:http would answer itself with an empty body: an Expect it cannot meet (its
 * 'checkExpectation', a bare 417), and HTTP/1.1 without Host (its requireHostHeader, a bare 400, which
 * the server turns off so that this answers instead). Both in the envelope, and the connection closed.
 */
export function unmeetableExpectation(metrics: RouterMetrics, logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  const refusal = new RouterError('expectation_failed', 'Only "Expect: 100-continue" is supported.', { headers: { connection: 'close' } });
  return (req, res) => refuseRequest(req, res, refusal, metrics, logger);
}

/** The listener, behind a check for the Host header HTTP/1.1 requires (RFC 9112 3.2). */
export function requiringHost(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
  metrics: RouterMetrics,
  logger: Logger,
): (req: IncomingMessage, res: ServerResponse) => void {
  const refusal = new RouterError('bad_request', 'An HTTP/1.1 request needs a Host header.', { headers: { connection: 'close' } });
  return (req, res) => {
    if (req.headers.host === undefined && req.httpVersion === '1.1') refuseRequest(req, res, refusal, metrics, logger);
    else listener(req, res);
  };
}

function refuseRequest(req: IncomingMessage, res: ServerResponse, refusal: RouterError, metrics: RouterMetrics, logger: Logger): void {
  metrics.errors.inc({ kind: refusal.kind, origin: refusal.origin });
  logger.info({ status: refusal.status, errorKind: refusal.kind, origin: refusal.origin, method: req.method }, 'refused a request it could not read');
  writeError(res, refusal);
}

/**
 * CONNECT asks for a tunnel, which a router is not: answered with a 405 in the envelope, as every other
 * refusal, instead of node:http's silent close when a server has no 'connect' listener.
 */
export function connectRefusal(metrics: RouterMetrics, logger: Logger): (req: IncomingMessage, socket: Duplex) => void {
  const refusal = answer(new RouterError('method_not_allowed', 'The CONNECT method is not supported: this server is an API, not a proxy.', { headers: { connection: 'close' } }));
  return (_req, socket) => {
    metrics.errors.inc({ kind: refusal.error.kind, origin: refusal.error.origin });
    logger.info({ status: refusal.error.status, errorKind: refusal.error.kind, origin: refusal.error.origin, method: 'CONNECT' }, 'refused a request it could not read');
    if (socket.writable) socket.end(refusal.bytes, () => socket.destroy());
    else socket.destroy();
  };
}

function answer(error: RouterError): Answer {
  const body = JSON.stringify(errorBody(error));
  const head = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  ];
  return { error, bytes: `${head.join('\r\n')}\r\n\r\n${body}` };
}
