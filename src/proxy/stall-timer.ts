// Aborts an attempt whose replica goes quiet: first for the first byte, then between chunks.
// One timer per attempt, refreshed per chunk (refresh() re-arms without allocating).
import { RouterError } from '../openai/errors.js';
import type { AbortSwitch } from './abort-switch.js';

export class StallTimer {
  private timer: NodeJS.Timeout;

  constructor(
    private readonly abort: AbortSwitch,
    private readonly replicaName: string,
    firstByteMs: number,
    /**
     * Whether the client is what holds the stream up: it has not read what was written, so the relay
     * waits for it and the replica is paused (backpressure). The replica is not silent then, and is not
     * blamed: the wait goes on, bounded by the request's own deadline.
     */
    private readonly clientBehind: () => boolean = () => false,
  ) {
    this.timer = this.arm(firstByteMs, 'did not start answering');
  }

  /** Switches from the first-byte limit to the idle limit between chunks. */
  switchToIdle(idleMs: number): void {
    clearTimeout(this.timer);
    this.timer = this.arm(idleMs, 'went silent');
  }

  touch(): void {
    this.timer.refresh();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private arm(ms: number, what: string): NodeJS.Timeout {
    const timer = setTimeout(() => {
      if (this.clientBehind()) timer.refresh();
      else this.abort.abort(new RouterError('upstream_timeout', `Replica ${this.replicaName} ${what} within ${ms} ms.`));
    }, ms);
    timer.unref();
    return timer;
  }
}
