// What the simulated engine is doing right now and has done so far: the numbers /metrics reports.
// It is deliberately a small object with an admit/release lifecycle, so continuous batching (a cap on
// running sequences, a waiting queue, TTFT that grows with the queue, KV-cache pressure, injected
// faults) can later be added here without touching the HTTP layer.

/** vLLM's `finished_reason` label values (a tool call finishes as "stop" inside the engine). */
export type FinishedReason = 'stop' | 'length' | 'abort';

/** KV-cache size the simulated replica pretends to have, in tokens. */
export const KV_CACHE_CAPACITY_TOKENS = 262_144;

/** One admitted request; released exactly once, whichever of finish and abort comes first. */
export interface Admission {
  readonly heldTokens: number;
  released: boolean;
}

export class SimState {
  running = 0;
  /** Always 0 until requests can queue (continuous batching). */
  waiting = 0;
  /** Tokens whose KV cache running requests hold: prompt plus planned completion. */
  heldTokens = 0;
  promptTokensTotal = 0;
  generationTokensTotal = 0;
  readonly finishedTotal: Record<FinishedReason, number> = { stop: 0, length: 0, abort: 0 };

  constructor(readonly kvCacheCapacityTokens: number = KV_CACHE_CAPACITY_TOKENS) {}

  /** Fraction of the KV cache in use, 0..1: a deterministic function of the tokens held. */
  get kvCacheUsage(): number {
    return Math.min(1, this.heldTokens / this.kvCacheCapacityTokens);
  }

  /** A request starts running; its prompt counts as processed (prefill) from here. */
  admit(promptTokens: number, plannedCompletionTokens: number): Admission {
    const heldTokens = promptTokens + plannedCompletionTokens;
    this.running++;
    this.heldTokens += heldTokens;
    this.promptTokensTotal += promptTokens;
    return { heldTokens, released: false };
  }

  release(admission: Admission, generatedTokens: number, reason: FinishedReason): void {
    if (admission.released) return;
    admission.released = true;
    this.running--;
    this.heldTokens -= admission.heldTokens;
    this.generationTokensTotal += generatedTokens;
    this.finishedTotal[reason]++;
  }
}
