// The part every upstream dispatch handler shares: the upstream request is cancelled, with the same
// reason, when the switch it is linked to is thrown (the client left, a deadline or a stall).
import type { Dispatcher } from 'undici';
import type { AbortSwitch } from './abort-switch.js';

/** undici's parsed response headers. */
export type UpstreamHeaders = Record<string, string | string[] | undefined>;

export abstract class LinkedHandler {
  protected controller: Dispatcher.DispatchController | null = null;

  constructor(private readonly lifetime: AbortSwitch) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.lifetime.aborted) this.onAbort();
    else this.lifetime.once('abort', this.onAbort);
  }

  /** The exchange is over (ended or failed): the switch no longer reaches it. */
  protected unlink(): void {
    this.lifetime.off('abort', this.onAbort);
  }

  private readonly onAbort = (): void => {
    if (this.lifetime.reason !== undefined) this.controller?.abort(this.lifetime.reason);
  };
}
