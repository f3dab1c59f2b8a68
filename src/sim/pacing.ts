// When tokens go out: the first after ttftMs, then one every 1000/tokensPerSecond ms. Steps are
// scheduled against the start time, not chained timeouts, so timer lateness does not accumulate over
// long outputs. A full socket buffer pauses the schedule until it drains (backpressure).

import type { SimConfig } from '../config/types.js';

export interface Pace {
  readonly ttftMs: number;
  /** Gap between tokens; 0 means "as fast as the socket takes them". */
  readonly intervalMs: number;
}

export function paceOf(config: Pick<SimConfig, 'ttftMs' | 'tokensPerSecond'>): Pace {
  return {
    ttftMs: Math.max(0, config.ttftMs),
    intervalMs: config.tokensPerSecond > 0 ? 1000 / config.tokensPerSecond : 0,
  };
}

/** Zero-delay mode: whole responses are written at once, without timers. */
export function isInstant(pace: Pace): boolean {
  return pace.ttftMs === 0 && pace.intervalMs === 0;
}

/** When the last of `steps` steps is due; a non-streaming response waits this long. */
export function totalDelayMs(pace: Pace, steps: number): number {
  return pace.ttftMs + Math.max(0, steps - 1) * pace.intervalMs;
}

export interface PacedRun {
  /** Runs step k (k = 0..count-1); returns false when the output buffer is full. */
  readonly step: (k: number) => boolean;
  /** Calls `resume` once the output buffer has drained. */
  readonly waitForDrain: (resume: () => void) => void;
  /** Called once, after the last step. */
  readonly done: () => void;
}

/** Starts the schedule; the returned function cancels it (no further step or done). */
export function runPaced(pace: Pace, count: number, run: PacedRun): () => void {
  const start = performance.now();
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const tick = (): void => {
    timer = undefined;
    while (!cancelled) {
      const dueInMs = start + pace.ttftMs + next * pace.intervalMs - performance.now();
      if (dueInMs > 0) {
        timer = setTimeout(tick, dueInMs);
        return;
      }
      const flowing = run.step(next);
      next++;
      if (next >= count) {
        run.done();
        return;
      }
      if (!flowing) {
        run.waitForDrain(tick);
        return;
      }
    }
  };
  tick();
  return () => {
    cancelled = true;
    if (timer !== undefined) clearTimeout(timer);
  };
}
