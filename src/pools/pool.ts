// Interchangeable replicas serving the same model: how the next one is picked, and what the
// outcome of an attempt teaches the pool about a replica.
import type { PoolConfig } from '../config/types.js';
import { pickReplica, standing, type BalanceContext, type PickResult } from './balancer.js';
import type { Clock } from './clock.js';
import { observeLatency } from './latency.js';
import { OutlierDetector } from './outlier.js';
import type { Replica } from './replica.js';

export class Pool {
  readonly name: string;
  readonly config: PoolConfig;
  readonly replicas: readonly Replica[];
  private readonly outlier: OutlierDetector;
  private cursor = 0;

  constructor(
    name: string,
    config: PoolConfig,
    replicas: readonly Replica[],
    private readonly now: Clock,
    private readonly random: () => number = Math.random,
  ) {
    this.name = name;
    this.config = config;
    this.replicas = replicas;
    this.outlier = new OutlierDetector(config.outlier, now);
  }

  /** The next replica for a request that already tried `tried`; null when none is left. */
  pick(tried: ReadonlySet<Replica>): PickResult<Replica> | null {
    const result = pickReplica(this.replicas, tried, this.balanceContext(), this.cursor);
    if (result !== null) this.cursor = result.index + 1;
    return result;
  }

  /** Replicas that could take a request now without being over a limit. */
  eligibleCount(): number {
    const ctx = this.balanceContext();
    let count = 0;
    for (const replica of this.replicas) if (standing(replica, ctx) === 'eligible') count++;
    return count;
  }

  /** Available replicas that are all over maxInFlight or the engine-queue threshold. */
  isSaturated(): boolean {
    const ctx = this.balanceContext();
    let saturated = 0;
    for (const replica of this.replicas) {
      const state = standing(replica, ctx);
      if (state === 'eligible') return false;
      if (state === 'saturated') saturated++;
    }
    return saturated > 0;
  }

  /** A successful attempt, and how long its first byte took (null when unknown). */
  recordSuccess(replica: Replica, firstByteMs: number | null): void {
    this.outlier.recordSuccess(replica);
    if (firstByteMs !== null) observeLatency(replica.latency, firstByteMs, this.now());
  }

  /** Counts a replica failure; true when the replica was ejected for it. */
  recordFailure(replica: Replica): boolean {
    return this.outlier.recordFailure(replica, this.replicas);
  }

  /** The replica asked for a pause (Retry-After); it gets no requests until then. */
  cool(replica: Replica, ms: number): void {
    replica.coolingUntil = Math.max(replica.coolingUntil, this.now() + ms);
  }

  private balanceContext(): BalanceContext {
    return {
      strategy: this.config.balance,
      maxInFlight: this.config.maxInFlight,
      maxEngineQueue: this.config.maxEngineQueue,
      staleAfterMs: this.config.engineMetrics.staleAfterMs,
      now: this.now(),
      random: this.random,
    };
  }
}
