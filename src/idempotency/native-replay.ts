// Replaying a kept native answer (kept-answer.ts kind native): the bytes the first request's client
// got from an engine that serves its API itself, written again as they were: a JSON body as one body,
// an event stream as the same events. The other shape is served as a chat answer's is: a stream to a
// retry that asks for no stream (a Responses stream as the finished Response its terminal event,
// response.completed or response.incomplete, carries; a Messages stream folded into its Message,
// fold-messages.ts), and a whole answer to a retry that asks for a stream, written as its API's event
// stream by the response cache's builders (src/cache/responses-events.ts, messages-events.ts, which the
// SDKs' accumulators fold back into the answer): ids and times are the first answer's, unchanged.
import type { OutgoingHttpHeaders } from 'node:http';
import { messageEvents } from '../cache/messages-events.js';
import { responseEvents } from '../cache/responses-events.js';
import { RouterError } from '../openai/errors.js';
import { SseByteSplitter } from '../openai/sse-buffer.js';
import type { ClientResponse } from '../protocols/client-response.js';
import { TranslatedResponse } from '../protocols/translated-response.js';
import type { AbortSwitch } from '../proxy/abort-switch.js';
import { foldMessages } from './fold-messages.js';
import { parse, readEvent } from '../proxy/native/sse-event.js';
import type { NativeMeta } from './kept-answer.js';
import { writeHeadWith, writeSseHead } from '../openai/response-head.js';
import { writeWhole } from '../proxy/write-whole.js';

const TERMINAL: ReadonlySet<string> = new Set(['response.completed', 'response.incomplete']);

/**
 * Writes the kept answer to the client in the shape it asked for (`stream`); false, with nothing
 * written, when `res` is not a response in the answer's API. Throws, before writing, the 422 of kept
 * bytes that do not read as their API's answer in the other shape (running the request again would
 * run it twice); rejects with the abort's reason if the client left.
 */
export async function replayNative(res: ClientResponse, meta: NativeMeta, body: Buffer, stream: boolean, headers: OutgoingHttpHeaders, abort: AbortSwitch): Promise<boolean> {
  if (!(res instanceof TranslatedResponse)) return false;
  const client = res.passThrough().res;
  if (stream === meta.stream) {
    if (!stream) {
      writeHeadWith(client, 200, headers, { 'content-type': 'application/json', 'content-length': body.length });
      client.end(body);
      return true;
    }
    writeSseHead(client, headers);
    await writeWhole(client, body, abort);
    client.end();
    return true;
  }
  if (stream) {
    const answer = parseObject(body);
    if (answer === null) throw shapeRefused(meta);
    writeSseHead(client, headers);
    await writeWhole(client, Buffer.from(meta.api === 'responses' ? responseEvents(answer) : messageEvents(answer)), abort);
    client.end();
    return true;
  }
  const folded = meta.api === 'responses' ? finalResponse(body) : foldMessages(body);
  if (folded === null) throw shapeRefused(meta);
  writeHeadWith(client, 200, headers, { 'content-type': 'application/json', 'content-length': folded.length });
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
    `The first request with this Idempotency-Key was answered ${first}, and its kept answer cannot be given in the other shape: retry with "stream": ${retry}, or send a new key for a new request.`,
    { headers: { 'x-should-retry': 'false' } },
  );
}

function parseObject(body: Buffer): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
