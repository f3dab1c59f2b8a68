// Passive outlier ejection: replicas that fail real requests in a row are taken out of rotation for a
// while, longer each time they do it again. The detector is the only writer of `replica.outlier`.
//
// Contract with the caller (the proxy, after judging an attempt's outcome):
// - recordFailure only for gateway failures, where the replica itself is broken: connect error,
//   connection reset, 502/503/504, first-byte timeout. A 429 or an engine's "overloaded" answer is
//   load, not failure (the proxy sets coolingUntil instead); 4xx are the client's fault; neither is
//   recorded at all.
// - recordSuccess for every other completed attempt, so only failures *in a row* eject.
//
// Rules, after Envoy's outlier detection:
// - An ejection lasts baseEjectionMs × ejections (this one included), capped at maxEjectionMs.
// - It ends by itself: `ejectedUntil` is compared with the clock, no timer runs. From its end the
//   `ejections` multiplier decays by one per baseEjectionMs without a new ejection, so a flapping
//   replica is ejected for longer and longer and a recovered one is forgiven.
// - At most maxEjectedPercent of the pool is ejected at once, rounded down but never below one
//   replica when the pool has two or more (and the percent is not 0), so small pools can still shed
//   a broken replica. A pool of one is ejected only at 100%: otherwise its only replica would sit
//   out whole ejections while the balancer's panic mode sent it traffic anyway.
// - Failures while ejected (requests that started before the ejection) are ignored: they say
//   nothing new and must not extend it.
import type { OutlierConfig } from '../config/types.js';
import { systemClock, type Clock } from './clock.js';
import type { OutlierState } from './replica.js';

/** The part of a replica the detector reads and writes (a Replica; tests pass plain objects). */
export interface OutlierTarget {
  readonly outlier: OutlierState;
}

export class OutlierDetector {
  constructor(
    private readonly config: OutlierConfig,
    private readonly now: Clock = systemClock,
  ) {}

  isEjected(replica: OutlierTarget): boolean {
    return replica.outlier.ejectedUntil > this.now();
  }

  recordSuccess(replica: OutlierTarget): void {
    this.decay(replica.outlier, this.now());
    replica.outlier.consecutiveFailures = 0;
  }

  /** Counts one gateway failure; true when it ejected the replica. */
  recordFailure(replica: OutlierTarget, pool: readonly OutlierTarget[]): boolean {
    const state = replica.outlier;
    const now = this.now();
    if (state.ejectedUntil > now) return false;
    this.decay(state, now);
    state.consecutiveFailures += 1;
    if (state.consecutiveFailures < this.config.consecutiveFailures) return false;
    // Past the cap the count is kept, so the replica is ejected as soon as room frees up.
    if (this.ejectedCount(pool, now) >= maxEjected(pool.length, this.config.maxEjectedPercent)) return false;
    state.ejections += 1;
    const duration = Math.min(this.config.baseEjectionMs * state.ejections, this.config.maxEjectionMs);
    state.ejectedUntil = now + duration;
    state.decayFrom = state.ejectedUntil;
    state.consecutiveFailures = 0;
    return true;
  }

  private ejectedCount(pool: readonly OutlierTarget[], now: number): number {
    let count = 0;
    for (const member of pool) if (member.outlier.ejectedUntil > now) count += 1;
    return count;
  }

  /** Applied lazily by the writers, so reading (isEjected, the balancer) never changes state. */
  private decay(state: OutlierState, now: number): void {
    const base = this.config.baseEjectionMs;
    if (state.ejections === 0 || now < state.decayFrom || base <= 0) return;
    const steps = Math.floor((now - state.decayFrom) / base);
    if (steps === 0) return;
    state.ejections = Math.max(0, state.ejections - steps);
    state.decayFrom += steps * base;
  }
}

/** How many of a pool's replicas may be ejected at the same time. */
export function maxEjected(poolSize: number, maxEjectedPercent: number): number {
  const share = Math.floor((poolSize * maxEjectedPercent) / 100);
  return poolSize >= 2 && maxEjectedPercent > 0 ? Math.max(1, share) : share;
}
