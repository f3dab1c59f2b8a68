// One event of a native stream as the relay must know it. Engines frame the Responses and Messages
// APIs two ways: Anthropic and vLLM write an `event: <type>` line before the data
// (anthropics/anthropic-sdk-typescript tests/lib/fixtures/basic_response.txt @bfa9197f;
// vllm/entrypoints/openai/responses/api_router.py @f6e93254 _convert_stream_to_sse_events), OpenAI
// writes `data:` alone with the type inside, last among its members
// (openai/openai-node tests/lib/__snapshots__/ResponseStream.test.ts.snap @7b7d6ca7). So the type is
// read from the line when there is one, else from the parsed data.
import { eventText, type EventRange } from '../../openai/sse-buffer.js';
import type { Json } from './native-out.js';

export interface NativeEvent {
  /** The event's type; '[DONE]' for OpenAI's end marker, '' when it has none. */
  readonly type: string;
  /** Its data, as text. */
  readonly data: string;
  /** The engine named the type in an `event:` line: an event the router rewrites keeps the framing. */
  readonly named: boolean;
  /** The data parsed, when reading the type needed it; null otherwise (parse() gives it). */
  json: Json | null;
}

const EVENT_FIELD = 'event:';
const COLON = 0x3a;
const LF = 0x0a;

export function readEvent(buffer: Buffer, range: EventRange): NativeEvent {
  const data = eventText(buffer, range);
  // Comment lines before the fields are skipped (the relay passes comment-only events before reading).
  let start = range.start;
  while (buffer[start] === COLON) {
    const next = buffer.indexOf(LF, start);
    if (next < 0 || next >= range.end - 1) break;
    start = next + 1;
  }
  if (buffer.toString('latin1', start, start + EVENT_FIELD.length) === EVENT_FIELD) {
    const lineEnd = buffer.indexOf(LF, start);
    const type = buffer.toString('utf8', start + EVENT_FIELD.length, lineEnd < 0 || lineEnd > range.end ? range.end : lineEnd).trim();
    return { type, data, named: true, json: null };
  }
  if (data === '[DONE]') return { type: data, data, named: false, json: null };
  const json = parseObject(data);
  const type = json?.['type'];
  return { type: typeof type === 'string' ? type : '', data, named: false, json };
}

/** The event's data as an object (parsed once); null when it is not a JSON object. */
export function parse(event: NativeEvent): Json | null {
  if (event.json === null) event.json = parseObject(event.data);
  return event.json;
}

/** An event of `type` with `data`, framed as the engine framed its own. */
export function frame(type: string, data: string, named: boolean): string {
  return named ? `event: ${type}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
}

function parseObject(text: string): Json | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Json) : null;
  } catch {
    return null;
  }
}
