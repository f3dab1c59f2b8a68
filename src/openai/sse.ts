// Server-sent events as OpenAI-compatible servers send them: `data: <json>` events separated by a
// blank line, ending with `data: [DONE]`. The relay looks inside events only this far.
import { StringDecoder } from 'node:string_decoder';

const EVENT_BOUNDARY = /\r?\n\r?\n/;

/** Cuts a byte stream into complete events; a partial event waits for the next chunk. */
export class SseSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  push(chunk: Buffer): string[] {
    const text = this.pending + this.decoder.write(chunk);
    if (text.includes('\r')) {
      const parts = text.split(EVENT_BOUNDARY);
      this.pending = parts.pop() ?? '';
      return parts.filter((part) => part.length > 0);
    }
    // The common case, LF only: indexOf is much cheaper than a regex split.
    const events: string[] = [];
    let start = 0;
    for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n', start)) {
      if (end > start) events.push(text.slice(start, end));
      start = end + 2;
    }
    this.pending = start === 0 ? text : text.slice(start);
    return events;
  }

  /** What is left when the stream ends: a partial event means the stream was cut short. */
  rest(): string {
    return (this.pending + this.decoder.end()).trim();
  }
}

/** The payload of an event's `data:` lines, joined as the SSE spec says. */
export function eventData(event: string): string {
  if (event.startsWith('data: ') && !event.includes('\n')) return event.slice(6);
  const lines: string[] = [];
  for (const line of event.split(/\r?\n/)) {
    if (line.startsWith('data:')) lines.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  }
  return lines.join('\n');
}

export function encodeEvent(data: string): string {
  return `data: ${data}\n\n`;
}

export const DONE_EVENT = 'data: [DONE]\n\n';
