// Replaying a kept native answer (kept-answer.ts kind native): the bytes the first request's client
// got from an engine that serves its API itself, written again as they were: a JSON body as one body,
// an event stream as the same events. A stream also answers a retry that asks for no stream, as a
// chat stream does: a Responses stream with the finished Response its terminal event
// (response.completed or response.incomplete) carries, a Messages stream folded into its Message
// (fold-messages.ts). A whole answer asked for as a stream would mean making up the engine's events,
// so that is refused with a 422 that says to retry as the first was sent.
import { once } from 'node:events';
import type { OutgoingHttpHeaders } from 'node:http';
import { RouterError } from '../openai/errors.js';
import { SseByteSplitter } from '../openai/sse-buffer.js';
import type { ClientResponse } from '../protocols/client-response.js';
import { TranslatedResponse } from '../protocols/translated-response.js';
import type { AbortSwitch } from '../proxy/abort-switch.js';
import { foldMessages } from './fold-messages.js';
import { parse, readEvent } from '../proxy/native/sse-event.js';
import { ClientGone } from '../proxy/request-lifetime.js';
import type { NativeMeta } from './kept-answer.js';

/** The headers of a live native stream (relay-sse.ts). */
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' };
const TERMINAL: ReadonlySet<string> = new Set(['response.completed', 'response.incomplete']);

/**
 * Writes the kept answer to the client in the shape it asked for (`stream`); false, with nothing
 * written, when `res` is not a response in the answer's API. Throws the 422 for a shape it cannot
 * serve, before writing; rejects with the abort's reason if the client left.
 */
export async function replayNative(res: ClientResponse, meta: NativeMeta, body: Buffer, stream: boolean, headers: OutgoingHttpHeaders, abort: AbortSwitch): Promise<boolean> {
  if (!(res instanceof TranslatedResponse)) return false;
  const client = res.passThrough().res;
  if (stream === meta.stream) {
    if (!stream) {
      client.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': body.length });
      client.end(body);
      return true;
    }
    client.writeHead(200, { ...headers, ...SSE_HEADERS });
    await write(client, body, abort);
    client.end();
    return true;
  }
  const folded = !meta.stream ? null : meta.api === 'responses' ? finalResponse(body) : foldMessages(body);
  if (folded === null) throw shapeRefused(meta);
  client.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': folded.length });
  client.end(folded);
  return true;
}

/** The finished Response of a kept Responses stream, as JSON; null when it has none. */
export function finalResponse(stream: Buffer): Buffer | null {
  const { buffer, events } = new SseByteSplitter().push(stream);
  for (let i = events.length - 1; i >= 0; i--) {
    const event = readEvent(buffer, events[i]!);
    if (!TERMINAL.has(event.type)) continue;
    const response = parse(event)?.['response'];
    return typeof response === 'object' && response !== null ? Buffer.from(JSON.stringify(response)) : null;
  }
  return null;
}

function shapeRefused(meta: NativeMeta): RouterError {
  const first = meta.stream ? 'as a stream' : 'without a stream';
  const retry = meta.stream ? 'true' : 'false';
  return new RouterError(
    'idempotency_key_reused',
    `The first request with this Idempotency-Key was answered ${first} by an engine that serves this API itself, and its answer can only be replayed that way: retry with "stream": ${retry}, or send a new key for a new request.`,
    { headers: { 'x-should-retry': 'false' } },
  );
}

async function write(res: ClientResponse, bytes: Buffer, abort: AbortSwitch): Promise<void> {
  if (abort.aborted || res.destroyed) throw abort.reason ?? new ClientGone();
  if (res.write(bytes)) return;
  try {
    await once(res, 'drain', { signal: abort.signal });
  } catch {
    throw abort.reason ?? new ClientGone();
  }
}
