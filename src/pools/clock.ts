// Time for the pools' background work: the clock every replica time field is read against, and the
// repeating per-replica task that health checks and metric scrapes share.

/**
 * Milliseconds on the clock that replica state (`ejectedUntil`, `decayFrom`, `lastCheckAt`,
 * `scrapedAt`, `coolingUntil`) is written and compared in. Injected so tests can move time by hand.
 */
export type Clock = () => number;

/** Wall-clock ms, so times in replica state can be shown to operators as they are. */
export const systemClock: Clock = () => Date.now();

/**
 * Runs `task` every `intervalMs` after the previous run finished, so runs never overlap (a replica
 * that hangs until the timeout is probed less often, never twice at once). The first run comes after
 * a random delay of up to 10% of the interval so routers started together do not probe in lockstep.
 * Timers are unref'd: background work never keeps the process alive. `stop()` aborts the signal the
 * running task was given. The task must not throw; it records its own failures.
 */
export class Repeater {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private controller = new AbortController();
  private active = false;

  constructor(
    private readonly intervalMs: number,
    private readonly task: (signal: AbortSignal) => Promise<void>,
  ) {}

  /** Does nothing when the interval is 0 (off) or it is already started. */
  start(): void {
    if (this.active || this.intervalMs <= 0) return;
    this.active = true;
    this.schedule(Math.random() * 0.1 * this.intervalMs);
  }

  stop(): void {
    this.active = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.controller.abort();
    // A fresh signal, so a later start() or runNow() is not born aborted.
    this.controller = new AbortController();
  }

  /** Runs the task now, or joins the run already under way. */
  runNow(): Promise<void> {
    if (this.running === null) {
      this.running = this.task(this.controller.signal).finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runNow().finally(() => {
        // A stop() and start() during the run already scheduled the next one.
        if (this.active && this.timer === null) this.schedule(this.intervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }
}
