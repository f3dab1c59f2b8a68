// The writer of an answer in another API than chat completions: the relays and replays write OpenAI's
// chat bytes to it as they would to the client (a JSON body, or SSE events ending in [DONE] or an
// error event), and a subclass turns them into its API's answer on the client's real response. So
// pre-commit failover, budgets' cuts, the cache and idempotent replays work for every API unchanged.
import { EventEmitter } from 'node:events';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { SseByteSplitter, eventText, type EventRange } from '../openai/sse-buffer.js';
import type { Json, NativeOut } from '../proxy/native/native-out.js';
import type { NativeRecording } from '../proxy/native/native-recording.js';
import type { ClientResponse } from './client-response.js';

const SSE_TYPE = 'text/event-stream';

export abstract class TranslatedResponse extends EventEmitter implements ClientResponse {
  private status = 200;
  private head: OutgoingHttpHeaders = {};
  /** The chat stream's events as written; null until an SSE head is written. */
  private splitter: SseByteSplitter | null = null;
  /** A JSON answer's body parts, written at end() once translated. */
  private readonly parts: Buffer[] = [];
  /** While write() reads a chunk's events: what they became so far, written once at its end. */
  private batch: string | null = null;
  /** The chat stream ended with [DONE]: the answer is complete. */
  private completed = false;
  /** end() was called (the client's response may still be finishing: see streamEnded and translateJson). */
  private ended = false;
  /** Where a native answer is copied for an idempotent retry (set by src/idempotency/service.ts); null: not kept. */
  nativeRecording: NativeRecording | null = null;

  constructor(protected readonly res: ServerResponse) {
    super();
    res.on('drain', () => this.emit('drain'));
  }

  get headersSent(): boolean {
    return this.res.headersSent;
  }

  get writableEnded(): boolean {
    return this.ended || this.res.writableEnded;
  }

  get destroyed(): boolean {
    return this.res.destroyed;
  }

  get writableNeedDrain(): boolean {
    return this.res.writableNeedDrain;
  }

  setHeader(name: string, value: number | string | readonly string[]): this {
    this.res.setHeader(name, value);
    return this;
  }

  writeHead(statusCode: number, headers: OutgoingHttpHeaders = {}): this {
    const type = headers['content-type'];
    if (typeof type === 'string' && type.startsWith(SSE_TYPE)) {
      // A stream's head goes out at once, as the relay meant it to (its content type is the same in every API).
      this.splitter = new SseByteSplitter();
      this.res.writeHead(statusCode, headers);
    } else {
      this.status = statusCode;
      this.head = headers;
    }
    return this;
  }

  write(chunk: string | Uint8Array): boolean {
    // A view, not a copy: the relays and replays never reuse what they wrote.
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.splitter === null) {
      this.parts.push(bytes);
      return true;
    }
    const { buffer, events } = this.splitter.push(bytes);
    return this.translate(buffer, events, 0, events.length);
  }

  /**
   * Events `events[from, to)` of `buffer`, as the relay found them (src/proxy/event-relay.ts): the same
   * as writing their bytes, without finding the events in them again. Bytes written before and not yet
   * a whole event come first, so those go through write().
   */
  writeEvents(buffer: Buffer, events: readonly EventRange[], from: number, to: number): boolean {
    if (this.splitter === null || this.splitter.rest() > 0) return this.write(buffer.subarray(events[from]!.start, events[to - 1]!.end));
    return this.translate(buffer, events, from, to);
  }

  private translate(buffer: Buffer, events: readonly EventRange[], from: number, to: number): boolean {
    // What the events of one write turn into leaves in one res.write (one HTTP chunk, one socket
    // write), as the chat relay sends one run per upstream read, not one per event.
    this.batch = '';
    for (let i = from; i < to && !this.completed; i++) {
      const event = events[i]!;
      const data = eventText(buffer, event);
      // A comment (a keep-alive) is one in every SSE dialect: passed on as it came.
      if (data === '') this.batch += buffer.toString('utf8', event.start, event.end);
      // As the relay reads it (sse-buffer.ts isDoneEvent): a `[DONE]` with more after it ends the stream too.
      else if (data.startsWith('[DONE]')) this.completed = true;
      else this.chatEvent(data);
    }
    const out = this.batch;
    this.batch = null;
    return out === '' ? !this.res.writableNeedDrain : this.res.write(out);
  }

  end(chunk?: string | Uint8Array): this {
    if (this.ended) return this;
    if (chunk !== undefined) this.write(chunk);
    this.ended = true;
    if (this.splitter !== null) {
      const ending = this.res.destroyed ? undefined : this.streamEnded(this.completed);
      // A translator may finish its answer after asynchronous work (Responses stores the response first).
      const finish = (): void => void this.res.end();
      if (ending === undefined) finish();
      else void ending.then(finish, finish);
      return this;
    }
    const body = Buffer.concat(this.parts);
    const answer = this.status >= 200 && this.status < 300 ? this.translateJson(body) : this.translateError(this.status, body);
    if (answer instanceof Promise)
      void answer.then(
        (translated) => this.sendBody(translated),
        () => this.res.destroy(),
      );
    else this.sendBody(answer);
    return this;
  }

  private sendBody(answer: TranslatedBody): void {
    const head: OutgoingHttpHeaders = { ...this.head, 'content-type': answer.contentType, 'content-length': answer.body.length };
    this.res.writeHead(answer.status, head);
    this.res.end(answer.body);
  }

  /** Writes bytes of the client's API; false when the socket wants a drain first. */
  protected send(text: string): boolean {
    if (this.batch === null) return this.res.write(text);
    this.batch += text;
    return true;
  }

  /**
   * For an attempt on a pool whose engine serves the client's API itself (src/proxy/native/): the
   * client's response, so the engine's bytes pass untranslated, with the hooks that make its answer the
   * router's. Nothing is written through this translator then.
   */
  passThrough(): NativeOut {
    return {
      res: this.res,
      lifecycle: (response) => this.nativeLifecycle(response),
      finished: (answer) => this.nativeFinished(answer),
      recording: this.nativeRecording,
    };
  }

  /** A native answer's Response object, made the router's in place (Responses overrides this); by default left as the engine wrote it. */
  protected nativeLifecycle(_response: Json): void {}

  /** A native answer, finished: kept as a translated one is (Responses overrides this); resolves with it as it must be sent. */
  protected nativeFinished(answer: Json): Promise<Json> {
    return Promise.resolve(answer);
  }

  /** One chat-completions event of the stream (a chunk, or an error event `{"error":…}`), its data only. */
  protected abstract chatEvent(data: string): void;

  /**
   * The chat stream ended: with its [DONE] (`completed`), or cut short after an error event or a
   * broken upstream. A returned promise holds the end of the client's response until it settles.
   */
  protected abstract streamEnded(completed: boolean): void | Promise<void>;

  /** A whole chat completion, as the client's API answers it (a promise: the answer is written when it resolves). */
  protected abstract translateJson(body: Buffer): TranslatedBody | Promise<TranslatedBody>;

  /** A JSON error (OpenAI's envelope) replayed or relayed with `status`, in the client's API. */
  protected abstract translateError(status: number, body: Buffer): TranslatedBody;
}

export interface TranslatedBody {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
}
