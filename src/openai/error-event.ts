// An engine's error inside a chat stream, however it is spelt: `data: {"error": …}` (vLLM, OpenAI,
// TGI), the legacy `data: {"object": "error", …}` (vLLM before 0.6), with any JSON whitespace inside
// the brace (Python's json.dumps writes `{"error": …}`, hand-rolled servers `{ "error": …}`), and an
// event named `error` (`event: error` before its data, as some OpenAI-compatible servers send).
import { eventText, type EventRange } from './sse-buffer.js';
import { skipJsonSpace } from '../json-whitespace.js';

const ERROR_DATA = /^\{\s*"(?:error"|object"\s*:\s*"error")/;
const ERROR_EVENT_LINE = /^event:\s*error\s*$/m;
const DATA_FIELD = Buffer.from('data:');
const ERROR_KEY = Buffer.from('"error"');
const OBJECT_KEY = Buffer.from('"object"');
const OPEN_BRACE = 0x7b;
const COLON = 0x3a;
const SPACE = 0x20;

/** Whether an event's data (its `data:` lines joined) is an error object. */
export function isErrorData(data: string): boolean {
  return data.charCodeAt(0) === OPEN_BRACE && ERROR_DATA.test(data);
}

/**
 * Whether the event is an error. Read on the bytes for the common event, a single `data:` line: only
 * its first bytes are looked at. An event with other lines first (`event:`, `id:`) is decoded.
 */
export function isErrorEvent(buffer: Buffer, event: EventRange): boolean {
  if (!startsWith(buffer, event.start, DATA_FIELD)) {
    // A comment (`:` keep-alives) is never one.
    if (buffer[event.start] === COLON) return false;
    const text = buffer.toString('utf8', event.start, event.end);
    return ERROR_EVENT_LINE.test(text) || isErrorData(eventText(buffer, event));
  }
  let at = event.start + DATA_FIELD.length;
  if (buffer[at] === SPACE) at++;
  if (buffer[at] !== OPEN_BRACE) return false;
  at = skipJsonSpace(buffer, at + 1, event.end);
  if (startsWith(buffer, at, ERROR_KEY)) return true;
  if (!startsWith(buffer, at, OBJECT_KEY)) return false;
  at = skipJsonSpace(buffer, at + OBJECT_KEY.length, event.end);
  if (buffer[at] !== COLON) return false;
  return startsWith(buffer, skipJsonSpace(buffer, at + 1, event.end), ERROR_KEY);
}

function startsWith(buffer: Buffer, at: number, prefix: Buffer): boolean {
  for (let i = 0; i < prefix.length; i++) if (buffer[at + i] !== prefix[i]) return false;
  return true;
}
