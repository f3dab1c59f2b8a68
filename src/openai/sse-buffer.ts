// Server-sent events found in the bytes as they arrive, without decoding them: each event is a byte
// range of the chunk (delimiter included), so a relay can pass runs of events on as slices of the
// buffer it received and decode only the few events it must read.

const LF = 0x0a;
const CR = 0x0d;
const DELIMITER = Buffer.from('\n\n');
const DATA_PREFIX = Buffer.from('data: ');

/** One event: `buffer[start, end)`, its trailing blank line included. */
export interface EventRange {
  readonly start: number;
  readonly end: number;
}

export interface SplitChunk {
  readonly buffer: Buffer;
  readonly events: readonly EventRange[];
}

export class SseByteSplitter {
  private pending: Buffer | null = null;

  /** The complete events now available; a partial event waits for the next chunk. */
  push(chunk: Buffer): SplitChunk {
    let buffer = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    // Servers that end lines with CRLF are rare; normalising them keeps one simple path for the rest.
    if (buffer.includes(CR)) buffer = Buffer.from(buffer.toString('utf8').replace(/\r\n?/g, '\n'));
    const events: EventRange[] = [];
    let start = 0;
    for (let at = buffer.indexOf(DELIMITER); at >= 0; at = buffer.indexOf(DELIMITER, start)) {
      if (at > start) events.push({ start, end: at + 2 });
      start = at + 2;
    }
    // Blank lines between events carry nothing; a partial event is kept for the next chunk.
    while (start < buffer.length && buffer[start] === LF) start++;
    this.pending = start < buffer.length ? buffer.subarray(start) : null;
    return { buffer, events };
  }

  /** Bytes left when the stream ended: a partial event means the stream was cut short. */
  rest(): number {
    return this.pending?.length ?? 0;
  }
}

/** Whether the event's payload (after `data: `) starts with `prefix`. */
export function dataStartsWith(buffer: Buffer, event: EventRange, prefix: Buffer): boolean {
  const at = event.start + DATA_PREFIX.length;
  if (event.end - 2 - at < prefix.length) return false;
  return buffer.compare(DATA_PREFIX, 0, DATA_PREFIX.length, event.start, at) === 0 && buffer.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0;
}

/** Whether `needle` occurs inside the event. */
export function eventIncludes(buffer: Buffer, event: EventRange, needle: Buffer): boolean {
  // Bounded to the event: an open-ended search would scan the rest of a large chunk for every event.
  return buffer.subarray(event.start, event.end).indexOf(needle) >= 0;
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
