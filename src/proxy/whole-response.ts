// A whole upstream answer, collected in memory, for the non-streaming relays: their bodies are needed
// entire anyway (usage sits at the end, and the client gets exact bytes with a content-length). It is
// an undici dispatch handler rather than `request()`: no Readable, no stream machinery, no promise
// per chunk — just the chunks, joined once.
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { AbortSwitch } from './abort-switch.js';

/** undici's parsed response headers. */
type Headers = Record<string, string | string[] | undefined>;

export interface WholeResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Headers>;
  readonly body: Buffer;
  /** performance.now() when the status line and headers arrived. */
  readonly headersAt: number;
}

export class WholeResponseHandler implements Dispatcher.DispatchHandler {
  readonly done: Promise<WholeResponse>;
  private resolve!: (response: WholeResponse) => void;
  private reject!: (error: unknown) => void;
  private controller: Dispatcher.DispatchController | null = null;
  private statusCode = 0;
  private headers: Headers = {};
  private headersAt = 0;
  private readonly chunks: Buffer[] = [];
  private size = 0;

  /** `lifetime`: the request's; its abort cancels the upstream request with its reason. */
  constructor(private readonly lifetime: AbortSwitch) {
    this.done = new Promise<WholeResponse>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.lifetime.aborted) this.onAbort();
    else this.lifetime.once('abort', this.onAbort);
  }

  private readonly onAbort = (): void => {
    if (this.lifetime.reason !== undefined) this.controller?.abort(this.lifetime.reason);
  };

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Headers): void {
    this.statusCode = statusCode;
    this.headers = headers;
    this.headersAt = performance.now();
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  onResponseEnd(): void {
    this.lifetime.off('abort', this.onAbort);
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
    this.resolve({ statusCode: this.statusCode, headers: this.headers, body, headersAt: this.headersAt });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.lifetime.off('abort', this.onAbort);
    this.reject(error);
  }
}
