// Aborting the work of one request, or of one stream attempt. Node's AbortController would do, but
// every listener added to an AbortSignal keeps what it references alive until the next full GC: under
// load that promoted ~5 KB per request to the old generation, and the old generation then had to be
// collected every few seconds in 10–25 ms pauses. An EventEmitter has none of that, and undici
// accepts one as a request's `signal` (it reads `aborted` and `reason`, and listens for 'abort').
import { EventEmitter } from 'node:events';

export class AbortSwitch extends EventEmitter<{ abort: [] }> {
  aborted = false;
  /** Set when aborted. */
  reason: Error | undefined = undefined;
  private controller: AbortController | null = null;

  /** Aborts once; later calls keep the first reason. */
  abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    this.emit('abort');
  }

  /**
   * A real AbortSignal that follows this switch, for APIs that take nothing else (timers, `once`).
   * Made on first use, and used only on rare paths (retry backoff, a client that stops reading).
   */
  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }
}

/**
 * One attempt's own switch: thrown with its parent's reason when the parent is (the request's
 * lifetime), and on its own by the attempt's timers without touching the parent. `release()` once
 * the attempt is over, so the parent no longer reaches it.
 */
export class LinkedSwitch extends AbortSwitch {
  private readonly follow = (): void => {
    if (this.parent.reason !== undefined) this.abort(this.parent.reason);
  };

  constructor(private readonly parent: AbortSwitch) {
    super();
    if (parent.aborted) this.follow();
    else parent.once('abort', this.follow);
  }

  release(): void {
    this.parent.off('abort', this.follow);
  }
}
