// A whole upstream answer, collected in memory, for the non-streaming relays: their bodies are needed
// entire anyway (usage sits at the end, and the client gets exact bytes with a content-length). It is
// an undici dispatch handler rather than `request()`: no Readable, no stream machinery, no promise
// per chunk — just the chunks, joined once.
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { AbortSwitch } from './abort-switch.js';
import { RouterError } from '../openai/errors.js';
import { LinkedHandler, type UpstreamHeaders } from './linked-handler.js';

export interface WholeResponse {
  readonly statusCode: number;
  readonly headers: Readonly<UpstreamHeaders>;
  readonly body: Buffer;
  /** performance.now() when the status line and headers arrived. */
  readonly headersAt: number;
}

/**
 * The largest whole answer held in memory (a batch of embeddings runs to tens of megabytes): past it the
 * exchange is cut, rather than an engine that never stops filling the router's heap.
 */
export const MAX_WHOLE_BYTES = 256 * 1024 * 1024;
const TOO_LARGE = new RouterError('upstream_error', `The replica's answer is larger than ${MAX_WHOLE_BYTES / 1024 / 1024} MiB; it is not relayed.`);

export class WholeResponseHandler extends LinkedHandler implements Dispatcher.DispatchHandler {
  readonly done: Promise<WholeResponse>;
  private resolve!: (response: WholeResponse) => void;
  private reject!: (error: unknown) => void;
  private statusCode = 0;
  private headers: UpstreamHeaders = {};
  private headersAt = 0;
  private readonly chunks: Buffer[] = [];
  private size = 0;

  /** `lifetime`: the request's; its abort cancels the upstream request with its reason. */
  constructor(lifetime: AbortSwitch) {
    super(lifetime);
    this.done = new Promise<WholeResponse>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: UpstreamHeaders): void {
    this.statusCode = statusCode;
    this.headers = headers;
    this.headersAt = performance.now();
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size > MAX_WHOLE_BYTES) controller.abort(TOO_LARGE);
  }

  onResponseEnd(): void {
    this.unlink();
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
    this.resolve({ statusCode: this.statusCode, headers: this.headers, body, headersAt: this.headersAt });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.unlink();
    this.reject(error);
  }

  protected abandon(reason: Error): void {
    this.unlink();
    this.reject(reason);
  }
}
