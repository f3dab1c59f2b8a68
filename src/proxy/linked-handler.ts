// The part every upstream dispatch handler shares: the upstream request is cancelled, with the same
// reason, when the switch it is linked to is thrown (the client left, a deadline or a stall). The link
// is made when the handler is: undici starts a request (onRequestStart) only once a connection takes
// it, and a request waiting for one must still hear its timers and its client leaving. Thrown while it
// waits, the handler gives up at once (`abandon`), and the request is cancelled when undici starts it.
import type { Dispatcher } from 'undici';
import type { AbortSwitch } from './abort-switch.js';

/** undici's parsed response headers. */
export type UpstreamHeaders = Record<string, string | string[] | undefined>;

export abstract class LinkedHandler {
  protected controller: Dispatcher.DispatchController | null = null;

  constructor(private readonly lifetime: AbortSwitch) {
    lifetime.once('abort', this.onAbort);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.lifetime.aborted) this.onAbort();
  }

  /** The switch was thrown before undici started the request: settle as that failure, now. */
  protected abstract abandon(reason: Error): void;

  /** The exchange is over (ended or failed): the switch no longer reaches it. */
  protected unlink(): void {
    this.lifetime.off('abort', this.onAbort);
  }

  private readonly onAbort = (): void => {
    const reason = this.lifetime.reason;
    if (reason === undefined) return;
    if (this.controller !== null) this.controller.abort(reason);
    else this.abandon(reason);
  };
}
