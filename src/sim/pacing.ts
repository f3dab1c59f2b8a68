// When tokens go out: the latency model of a continuously batching engine, and the step scheduler
// that follows it.
//
// The model (every delay is then multiplied by faults.slowFactor):
//   time to first token  = ttftMs × (1 + promptTokens / 2048)
//       prefill grows with the prompt; a 2048-token prompt doubles an idle replica's TTFT. Time spent
//       waiting in the queue for a batch slot comes on top (the clock starts when the request runs).
//   inter-token latency  = 1000 / tokensPerSecond × (1 + 0.5 × running / maxRunning)
//       every decode step serves the whole batch, so a full batch makes each token 1.5× slower.
//       It is re-read before every step, so latency follows the batch as it grows and shrinks.
// ttftMs 0 and tokensPerSecond 0 is zero-delay mode: whole responses at once, no timers at all.

import type { SimConfig } from '../config/types.js';

/** A prompt this long doubles the time to first token (prefill cost). */
const PREFILL_DOUBLING_TOKENS = 2048;
/** How much slower each token gets when the batch is full. */
const FULL_BATCH_SLOWDOWN = 0.5;

export interface LatencyModel {
  /** Zero-delay mode: whole responses are written at once, without timers. */
  readonly instant: boolean;
  ttftMs(promptTokens: number): number;
  /** Gap before the next token while `running` sequences share the batch; 0 = as fast as possible. */
  intervalMs(running: number): number;
}

export function latencyOf(config: Pick<SimConfig, 'ttftMs' | 'tokensPerSecond' | 'maxRunning' | 'faults'>): LatencyModel {
  const slow = config.faults.slowFactor;
  const ttft = Math.max(0, config.ttftMs) * slow;
  const interval = config.tokensPerSecond > 0 ? (1000 / config.tokensPerSecond) * slow : 0;
  const maxRunning = Math.max(1, config.maxRunning);
  return {
    instant: ttft === 0 && interval === 0,
    ttftMs: (promptTokens) => ttft * (1 + promptTokens / PREFILL_DOUBLING_TOKENS),
    intervalMs: (running) => interval * (1 + (FULL_BATCH_SLOWDOWN * Math.min(running, maxRunning)) / maxRunning),
  };
}

/** What a step tells the scheduler: carry on, wait for the socket to drain, or stop for good. */
export type StepResult = 'flowing' | 'full' | 'stop';

export interface PacedRun {
  /** Runs step k (k = 0..count-1). */
  readonly step: (k: number) => StepResult;
  /** Calls `resume` once the output buffer has drained. */
  readonly waitForDrain: (resume: () => void) => void;
  /** Called once, after the last step (never after a 'stop'). */
  readonly done: () => void;
}

/**
 * Runs `count` steps: the first after `firstMs`, each next one `intervalMs()` after the previous one
 * was due. Due times chain from due times, not from when a timer actually fired, so timer lateness
 * does not accumulate over long outputs. Returns a function that cancels the rest.
 */
export function runPaced(firstMs: number, intervalMs: () => number, count: number, run: PacedRun): () => void {
  let due = performance.now() + firstMs;
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const tick = (): void => {
    timer = undefined;
    while (!cancelled) {
      const waitMs = due - performance.now();
      if (waitMs > 0) {
        timer = setTimeout(tick, waitMs);
        return;
      }
      const result = run.step(next);
      if (result === 'stop' || cancelled) return;
      next++;
      if (next >= count) {
        run.done();
        return;
      }
      due += intervalMs();
      if (result === 'full') {
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
