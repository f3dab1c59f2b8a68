// Serving a native entry (native-entry.ts: the bytes an engine that serves the client's API itself sent
// the first client) as a cache hit. A hit is a new answer, as a translated hit is: a Responses hit's
// Response objects get this request's resp_ id, `store` and `previous_response_id` and its finished
// Response is stored under that id when the request says store (NativeOut.lifecycle and finished, the
// same hooks a live native answer goes through); a Messages hit gets its own msg_ id (messageId of the
// hit's chat identity, as a translated hit's). Item, tool call and content ids inside are the engine's.
// Shapes: a stream as the same events (only those carrying the id rewritten), a whole answer as is; a
// stored stream folded for a whole request (the Response its terminal event carries; the Message
// fold-messages.ts folds as Anthropic's SDK does); a stored whole answer written as its API's event
// stream (responses-events.ts, messages-events.ts). Everything is prepared before the head is written:
// an entry that cannot be read serves nothing, and the request runs as a miss.
import type { OutgoingHttpHeaders } from 'node:http';
import type { NativeApi } from '../config/types.js';
import { foldMessages } from '../idempotency/fold-messages.js';
import { finalResponse } from '../idempotency/native-replay.js';
import { SseByteSplitter } from '../openai/sse-buffer.js';
import type { ClientResponse } from '../protocols/client-response.js';
import { messageId } from '../protocols/anthropic/message-object.js';
import { TranslatedResponse } from '../protocols/translated-response.js';
import type { AbortSwitch } from '../proxy/abort-switch.js';
import type { Json, NativeOut } from '../proxy/native/native-out.js';
import { frame, parse, readEvent } from '../proxy/native/sse-event.js';
import type { CacheEntry } from './entry.js';
import { messageEvents } from './messages-events.js';
import { responseEvents } from './responses-events.js';
import { writeHeadWith, writeSseHead } from '../openai/response-head.js';
import { writeWhole } from '../proxy/write-whole.js';
import { isObject } from '../json-object.js';

/** Responses events whose `response` is the Response object, made the router's. */
const LIFECYCLE: ReadonlySet<string> = new Set(['response.created', 'response.queued', 'response.in_progress']);
const TERMINAL: ReadonlySet<string> = new Set(['response.completed', 'response.incomplete']);

export interface NativeHit {
  /** The API the client spoke (the request's native form); a hit in another API is no hit. */
  readonly api: NativeApi | undefined;
  readonly stream: boolean;
  /** The hit's chat identity (chatcmpl-<request id>): a Messages hit's msg_ id is its digest. */
  readonly chatId: string;
  readonly headers: OutgoingHttpHeaders;
  readonly abort: AbortSwitch;
}

/**
 * Writes the entry to the client as a new answer in the shape it asked for, and returns the body
 * written; null, with nothing written, when it cannot (another API, or bytes that do not read).
 * Rejects with the abort's reason if the client left.
 */
export async function replayNativeEntry(res: ClientResponse, entry: CacheEntry, hit: NativeHit): Promise<string | null> {
  if (entry.native === undefined || entry.native !== hit.api || !(res instanceof TranslatedResponse)) return null;
  const out = res.passThrough();
  const stored = entry.parts[0] ?? Buffer.alloc(0);
  const storedStream = entry.kind === 'sse';
  const body = entry.native === 'responses' ? await responsesBody(out, stored, storedStream, hit.stream) : messagesBody(stored, storedStream, hit.stream, messageId(hit.chatId));
  if (body === null) return null;
  const client = out.res;
  if (!hit.stream) {
    writeHeadWith(client, 200, hit.headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    client.end(body);
    return body;
  }
  writeSseHead(client, hit.headers);
  await writeWhole(client, body, hit.abort);
  client.end();
  return body;
}

/** A Responses hit's body: every Response object made this request's, the finished one kept (stored when asked). */
async function responsesBody(out: NativeOut, stored: Buffer, storedStream: boolean, stream: boolean): Promise<string | null> {
  if (storedStream && stream) return responsesStream(out, stored);
  const bytes = storedStream ? finalResponse(stored) : stored;
  const response = bytes === null ? null : parseObject(bytes.toString('utf8'));
  if (response === null) return null;
  out.lifecycle(response);
  const finished = await out.finished(response);
  return stream ? responseEvents(finished) : JSON.stringify(finished);
}

/** A stored Responses stream with its lifecycle events' Response made this request's, the rest as stored. */
async function responsesStream(out: NativeOut, stored: Buffer): Promise<string | null> {
  const { buffer, events } = new SseByteSplitter().push(stored);
  const texts: string[] = [];
  for (const range of events) {
    const event = readEvent(buffer, range);
    const terminal = TERMINAL.has(event.type);
    if (!terminal && !LIFECYCLE.has(event.type)) {
      texts.push(buffer.toString('utf8', range.start, range.end));
      continue;
    }
    const json = parse(event);
    const response = json?.['response'];
    if (json === null || !isObject(response)) return null;
    out.lifecycle(response);
    const written = terminal ? await out.finished(response) : response;
    texts.push(frame(event.type, JSON.stringify({ ...json, response: written }), event.named));
  }
  return texts.join('');
}

/** A Messages hit's body, under its own message id. */
function messagesBody(stored: Buffer, storedStream: boolean, stream: boolean, id: string): string | null {
  if (storedStream && stream) {
    const { buffer, events } = new SseByteSplitter().push(stored);
    let text = '';
    for (const range of events) {
      const event = readEvent(buffer, range);
      const message = event.type === 'message_start' ? parse(event)?.['message'] : undefined;
      if (isObject(message)) {
        message['id'] = id;
        text += frame(event.type, JSON.stringify(event.json), event.named);
      } else text += buffer.toString('utf8', range.start, range.end);
    }
    return text;
  }
  const bytes = storedStream ? foldMessages(stored) : stored;
  const message = bytes === null ? null : parseObject(bytes.toString('utf8'));
  if (message === null) return null;
  message['id'] = id;
  return stream ? messageEvents(message) : JSON.stringify(message);
}

function parseObject(text: string): Json | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}
