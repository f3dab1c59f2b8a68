// What the router writes an answer through. For OpenAI's API it is node's ServerResponse itself: the
// engines speak chat completions, and their bytes are relayed as they are. For another API (OpenAI
// Responses, Anthropic Messages) it is that API's translator (translated-response.ts), which turns
// the same chat-completions bytes into the client's API on their way out. The relays and the cache's
// and idempotency's replays write to this and never know which of the two they have.
import type { EventEmitter } from 'node:events';
import type { OutgoingHttpHeaders } from 'node:http';
import type { EventRange } from '../openai/sse-buffer.js';

/** The part of ServerResponse the answer's writers use; it emits `drain` as a ServerResponse does. */
export interface ClientResponse extends EventEmitter {
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  readonly destroyed: boolean;
  /** The client has not read what was written: a write waits for `drain`. */
  readonly writableNeedDrain: boolean;
  setHeader(name: string, value: number | string | readonly string[]): this;
  writeHead(statusCode: number, headers?: OutgoingHttpHeaders): this;
  write(chunk: string | Uint8Array): boolean;
  end(chunk?: string | Uint8Array): this;
  /**
   * A translator's shortcut for the relay: whole SSE events `events[from, to)` of `buffer`, the same as
   * write(buffer.subarray(events[from].start, events[to - 1].end)) without finding the events again.
   */
  writeEvents?(buffer: Buffer, events: readonly EventRange[], from: number, to: number): boolean;
}
