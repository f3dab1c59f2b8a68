// Server-sent events found in the bytes as they arrive, without decoding them: each event is a byte
// range of the chunk (delimiter included), so a relay can pass runs of events on as slices of the
// buffer it received and decode only the few events it must read.

const LF = 0x0a;
const CR = 0x0d;
const DELIMITER = Buffer.from('\n\n');
const DATA_FIELD = Buffer.from('data:');
const SPACE = 0x20;

/** One event: `buffer[start, end)`, its trailing blank line included. */
export interface EventRange {
  readonly start: number;
  readonly end: number;
}

export interface SplitChunk {
  readonly buffer: Buffer;
  readonly events: readonly EventRange[];
}

const NO_EVENTS: readonly EventRange[] = Object.freeze([]);

export class SseByteSplitter {
  /** The partial event so far, in the chunks it came in (joined only once an event may have ended). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The last read ended in a CR taken as a line end: an LF that starts the next read is that CRLF's. */
  private crEnded = false;

  /** The complete events now available; a partial event waits for the next chunk. */
  push(chunk: Buffer): SplitChunk {
    if (this.crEnded) {
      this.crEnded = false;
      if (chunk[0] === LF) chunk = chunk.subarray(1);
    }
    // A chunk without a line end cannot end an event: kept as it is, so one long event costs a copy
    // of each chunk once, not of everything before it at every read.
    if (this.pendingBytes > 0 && !chunk.includes(LF) && !chunk.includes(CR)) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      return { buffer: chunk, events: NO_EVENTS };
    }
    let buffer = this.pendingBytes === 0 ? chunk : Buffer.concat([...this.pending, chunk]);
    // Servers that end lines with CRLF (sse-starlette's default) are few; normalising them keeps one
    // simple path for the rest. On the bytes: decoding would break a character cut by the read.
    if (buffer.includes(CR)) {
      buffer = withLfLineEnds(buffer);
      // A CR right after a line end is a second line end, LF to follow or not: the event is complete
      // now (else a server of lone CRs would have each event wait for the next, and its last never end).
      const last = buffer.length - 1;
      if (last > 0 && buffer[last] === CR && buffer[last - 1] === LF) {
        buffer[last] = LF;
        this.crEnded = true;
      }
    }
    const events: EventRange[] = [];
    let start = 0;
    for (let at = buffer.indexOf(DELIMITER); at >= 0; at = buffer.indexOf(DELIMITER, start)) {
      if (at > start) events.push({ start, end: at + 2 });
      start = at + 2;
    }
    // Blank lines between events carry nothing; a partial event is kept for the next chunk.
    while (start < buffer.length && buffer[start] === LF) start++;
    this.pending = start < buffer.length ? [buffer.subarray(start)] : [];
    this.pendingBytes = buffer.length - start;
    return { buffer, events };
  }

  /** Bytes of an event not yet complete: what is held until it is, or, when the stream ended, a sign it was cut short. */
  rest(): number {
    return this.pendingBytes;
  }
}

/**
 * The bytes with every CRLF and lone CR as LF, but a CR at the very end, which is kept: the LF that may
 * follow it is in the next read (converted now, CR|LF would read as two line ends).
 */
function withLfLineEnds(buffer: Buffer): Buffer {
  const out = Buffer.allocUnsafe(buffer.length);
  let length = 0;
  const last = buffer.length - 1;
  for (let i = 0; i <= last; i++) {
    const byte = buffer[i]!;
    if (byte !== CR || i === last) out[length++] = byte;
    else {
      out[length++] = LF;
      if (buffer[i + 1] === LF) i++;
    }
  }
  return out.subarray(0, length);
}

const DONE = Buffer.from('[DONE]');
const COLON = 0x3a;

/**
 * Whether the event is the stream's end, `[DONE]`, read as openai's SDK reads it (its data starts with
 * `[DONE]`: openai-node core/streaming.ts), so the relay, the recorder and the translators agree on
 * it: in the common event (a `data:` line first) on the bytes, in one with an `event:` line before it
 * (`event: done`) on its decoded data.
 */
export function isDoneEvent(buffer: Buffer, event: EventRange): boolean {
  if (dataStartsWith(buffer, event, DONE)) return true;
  const first = buffer[event.start];
  return first !== COLON && first !== DATA_FIELD[0] && eventText(buffer, event).startsWith('[DONE]');
}

/**
 * Whether the event's payload (after `data:` and its optional space: vLLM writes `data: `, TGI's
 * axum `data:`) starts with `prefix`. Compared in JavaScript: for a few bytes that is cheaper than a
 * call into native code, and it runs several times per event.
 */
export function dataStartsWith(buffer: Buffer, event: EventRange, prefix: Buffer): boolean {
  for (let i = 0; i < DATA_FIELD.length; i++) if (buffer[event.start + i] !== DATA_FIELD[i]) return false;
  let at = event.start + DATA_FIELD.length;
  if (buffer[at] === SPACE) at++;
  if (event.end - 2 - at < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buffer[at + i] !== prefix[i]) return false;
  return true;
}

/**
 * Where `needle` occurs in the events of one chunk, asked event by event in order: each search
 * starts where the last one found something, so the chunk is scanned once in all, however many
 * events it holds (an engine under load sends dozens in one chunk).
 */
export class NeedleCursor {
  /** The next occurrence at or after the last event asked about; -1 before the first search. */
  private next = -1;

  constructor(
    private readonly buffer: Buffer,
    private readonly needle: Buffer,
  ) {}

  /** The needle's first position inside `event`, or -1. */
  find(event: EventRange): number {
    if (this.next < event.start) {
      const found = this.buffer.indexOf(this.needle, event.start);
      this.next = found < 0 ? Infinity : found;
    }
    return this.next + this.needle.length <= event.end ? this.next : -1;
  }
}

/**
 * Whether every line of the event is a comment (`:`): a keep-alive, with no data and no type. Read on
 * the first byte for most events; a comment line may also open an event that has fields after it,
 * which only the comment line of is ignored (WHATWG HTML, "event stream interpretation").
 */
export function isCommentOnly(buffer: Buffer, event: EventRange): boolean {
  if (buffer[event.start] !== COLON) return false;
  for (let at = buffer.indexOf(LF, event.start); at >= 0 && at < event.end - 2; at = buffer.indexOf(LF, at + 1)) {
    if (buffer[at + 1] !== COLON) return false;
  }
  return true;
}

/** The event's payload as text: its `data:` lines, joined as the SSE spec says. */
export function eventText(buffer: Buffer, event: EventRange): string {
  const text = buffer.toString('utf8', event.start, event.end - 2);
  if (text.startsWith('data: ') && !text.includes('\n')) return text.slice(6);
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('data:')) lines.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  }
  return lines.join('\n');
}
