// A streamed upstream answer, for the SSE relay: an undici dispatch handler that hands the chunks to
// one reader as they arrive. It is lighter than `request()`'s Readable and its async iterator, and
// keeps backpressure: past HIGH_WATER unread bytes the upstream socket is paused until the reader
// (which waits for a slow client) catches up.
import type { Dispatcher } from 'undici';
import type { AbortSwitch } from './abort-switch.js';
import { LinkedHandler, type UpstreamHeaders } from './linked-handler.js';

const HIGH_WATER = 64 * 1024;
/** An error answer's text is read this far: enough for any engine's message, and no more of a flood. */
const MAX_ERROR_BYTES = 64 * 1024;

interface Waiter {
  resolve(chunk: Buffer | null): void;
  reject(error: unknown): void;
}

export class StreamedResponse extends LinkedHandler implements Dispatcher.DispatchHandler {
  /** Settles when the status line and headers arrive, or with the error that came first. */
  readonly started: Promise<void>;
  statusCode = 0;
  headers: UpstreamHeaders = {};
  private onStarted!: () => void;
  private onFailedToStart!: (error: unknown) => void;
  private readonly unread: Buffer[] = [];
  private unreadBytes = 0;
  private ended = false;
  private failure: Error | null = null;
  private waiter: Waiter | null = null;

  /** `lifetime`: the attempt's; its abort cancels the upstream request with its reason. */
  constructor(lifetime: AbortSwitch) {
    super(lifetime);
    this.started = new Promise<void>((resolve, reject) => {
      this.onStarted = resolve;
      this.onFailedToStart = reject;
    });
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: UpstreamHeaders): void {
    this.statusCode = statusCode;
    this.headers = headers;
    this.onStarted();
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter.resolve(chunk);
      return;
    }
    this.unread.push(chunk);
    this.unreadBytes += chunk.length;
    if (this.unreadBytes > HIGH_WATER && !controller.paused) controller.pause();
  }

  onResponseEnd(): void {
    this.unlink();
    this.ended = true;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.resolve(null);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  protected abandon(reason: Error): void {
    this.fail(reason);
  }

  private fail(error: Error): void {
    this.unlink();
    if (this.failure !== null) return;
    this.failure = error;
    this.onFailedToStart(error);
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(error);
  }

  /** The next chunk, or null once the body has ended; rejects with the error that cut it short. */
  read(): Promise<Buffer | null> {
    const chunk = this.unread.shift();
    if (chunk !== undefined) {
      this.unreadBytes -= chunk.length;
      if (this.unreadBytes <= HIGH_WATER && this.controller?.paused === true) this.controller.resume();
      return Promise.resolve(chunk);
    }
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve(null);
    return new Promise<Buffer | null>((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /**
   * The rest of the body as text, an error answer's: at most its first MAX_ERROR_BYTES (what is read of
   * the engine's words); the relay cancels the exchange once it has judged them.
   */
  async text(): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    while (size < MAX_ERROR_BYTES) {
      const chunk = await this.read();
      if (chunk === null) break;
      chunks.push(chunk);
      size += chunk.length;
    }
    return Buffer.concat(chunks).subarray(0, MAX_ERROR_BYTES).toString('utf8');
  }

  /** Reads the rest and drops it, so the connection stays usable. */
  async dump(): Promise<void> {
    while ((await this.read()) !== null);
  }
}
