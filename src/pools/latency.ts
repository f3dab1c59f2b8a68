// How quickly a replica starts answering, as a peak-sensitive moving average (after Finagle's and
// Linkerd's "peak EWMA"): a slower sample counts in full at once, so a replica that turns slow is
// avoided immediately; faster samples pull the average down gradually, weighted by the time since the
// last one, so one lucky answer does not clear a slow replica's record. Read, the average decays toward
// zero with the time since its last sample (as Linkerd's does): a replica that one slow answer made
// look slow, and that therefore gets no traffic to be measured again, is tried again after a while
// instead of never.

/** Time constant of the decay: after this long, an old average keeps about a third of its weight. */
const DECAY_MS = 10_000;

export interface LatencyState {
  /** Milliseconds to a stream's first event; null before any sample. */
  ewmaMs: number | null;
  /** Clock time of the last sample. */
  updatedAt: number;
}

export function observeLatency(state: LatencyState, sampleMs: number, now: number): void {
  if (state.ewmaMs === null || sampleMs >= state.ewmaMs) {
    state.ewmaMs = sampleMs;
  } else {
    const keep = Math.exp(-Math.max(0, now - state.updatedAt) / DECAY_MS);
    state.ewmaMs = sampleMs + keep * (state.ewmaMs - sampleMs);
  }
  state.updatedAt = now;
}

/** The average as of `now`: decayed toward zero since its last sample; null before any sample. */
export function currentLatency(state: Readonly<LatencyState>, now: number): number | null {
  if (state.ewmaMs === null) return null;
  return state.ewmaMs * Math.exp(-Math.max(0, now - state.updatedAt) / DECAY_MS);
}
