// What the simulated engine is doing right now and has done so far: the numbers /metrics reports,
// and the continuous-batching scheduler behind them. Like vLLM's scheduler, at most `maxRunning`
// sequences run (prefill + decode) at once; the rest wait in a first-come-first-served queue and
// start the moment a running one finishes. A sequence also needs room for its prompt in the KV cache
// (unless it would run alone), and the head of the queue is never overtaken, as in vLLM. Growth of
// running sequences past the capacity only pins the gauge at 1: nothing is preempted.

/** vLLM's `finished_reason` label values (a tool call finishes as "stop" inside the engine). */
export type FinishedReason = 'stop' | 'length' | 'abort';

/** One request inside the engine: new → waiting → running → finished, finished exactly once. */
export class Sequence {
  phase: 'new' | 'waiting' | 'running' | 'finished' = 'new';
  /** KV-cache tokens held while running: the prompt plus the tokens generated so far. */
  heldTokens = 0;

  constructor(
    readonly promptTokens: number,
    /** Runs once, when the sequence gets a batch slot (possibly inside `submit`). */
    readonly onStart: () => void,
  ) {}
}

export class SimState {
  running = 0;
  /** Tokens held in the KV cache by running sequences. */
  heldTokens = 0;
  /** Inference requests accepted (body read), including those that then failed. */
  acceptedTotal = 0;
  /** Requests answered with an injected engine error. */
  failedTotal = 0;
  promptTokensTotal = 0;
  generationTokensTotal = 0;
  readonly finishedTotal: Record<FinishedReason, number> = { stop: 0, length: 0, abort: 0 };
  /** A Set keeps insertion order (FIFO) and lets an aborted request leave from the middle. */
  private readonly queue = new Set<Sequence>();

  constructor(
    readonly maxRunning: number,
    readonly kvCacheTokens: number,
  ) {}

  get waiting(): number {
    return this.queue.size;
  }

  /** Fraction of the KV cache in use, 0..1. */
  get kvCacheUsage(): number {
    return Math.min(1, this.heldTokens / this.kvCacheTokens);
  }

  /** Queues the sequence; it starts at once if there is room. */
  submit(sequence: Sequence): void {
    if (sequence.phase !== 'new') return;
    sequence.phase = 'waiting';
    this.queue.add(sequence);
    this.startWaiting();
  }

  /** A running sequence produced tokens: they count as generated and occupy the KV cache. */
  generated(sequence: Sequence, tokens: number): void {
    if (sequence.phase !== 'running') return;
    sequence.heldTokens += tokens;
    this.heldTokens += tokens;
    this.generationTokensTotal += tokens;
  }

  /** Ends a sequence, waiting or running; frees its slot and cache at once. Idempotent. */
  finish(sequence: Sequence, reason: FinishedReason): void {
    if (sequence.phase === 'finished' || sequence.phase === 'new') return;
    if (sequence.phase === 'waiting') {
      this.queue.delete(sequence);
    } else {
      this.running--;
      this.heldTokens -= sequence.heldTokens;
    }
    sequence.phase = 'finished';
    this.finishedTotal[reason]++;
    this.startWaiting();
  }

  /** A single forward pass that never queues (embeddings): counted, never visible as running. */
  record(promptTokens: number): void {
    this.promptTokensTotal += promptTokens;
    this.finishedTotal.stop++;
  }

  private startWaiting(): void {
    // Deleting while iterating a Set is safe; a nested call (a sequence that finishes inside its own
    // onStart) simply starts the next ones itself, and this loop skips what it already started.
    for (const sequence of this.queue) {
      if (!this.fits(sequence)) return;
      this.queue.delete(sequence);
      sequence.phase = 'running';
      sequence.heldTokens = sequence.promptTokens;
      this.running++;
      this.heldTokens += sequence.promptTokens;
      this.promptTokensTotal += sequence.promptTokens;
      sequence.onStart();
    }
  }

  private fits(sequence: Sequence): boolean {
    if (this.running >= this.maxRunning) return false;
    return this.running === 0 || this.heldTokens + sequence.promptTokens <= this.kvCacheTokens;
  }
}
