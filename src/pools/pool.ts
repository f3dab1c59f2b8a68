// Interchangeable replicas serving the same model: how the next one is picked, and what the
// outcome of an attempt teaches the pool about a replica.
import type { PoolConfig } from '../config/types.js';
import { PoolPricing } from '../cost/pricing.js';
import { adapterFor, type EngineAdapter } from '../engines/adapter.js';
import { isFull, pickReplica, standing, type BalanceContext, type PickResult } from './balancer.js';
import type { Clock } from './clock.js';
import { observeLatency } from './latency.js';
import { OutlierDetector } from './outlier.js';
import type { Replica } from './replica.js';

export class Pool {
  readonly name: string;
  readonly config: PoolConfig;
  readonly replicas: readonly Replica[];
  /** What its tokens cost (src/cost/), built here once per config load. */
  readonly pricing: PoolPricing;
  /** The engine's paths, payload and answer translation (src/engines/), chosen here once per config load. */
  readonly adapter: EngineAdapter;
  private readonly outlier: OutlierDetector;
  private cursor = 0;
  /** Reused for every pick (only `now` changes), so picking allocates nothing. */
  private readonly context: { -readonly [K in keyof BalanceContext]: BalanceContext[K] };

  constructor(
    name: string,
    config: PoolConfig,
    replicas: readonly Replica[],
    private readonly now: Clock,
    random: () => number = Math.random,
  ) {
    this.name = name;
    this.config = config;
    this.replicas = replicas;
    this.pricing = new PoolPricing(config.price, replicas.length, now());
    this.adapter = adapterFor(config);
    this.outlier = new OutlierDetector(config.outlier, now);
    this.context = {
      strategy: config.balance,
      maxInFlight: config.maxInFlight,
      maxConnections: config.maxConnections,
      maxEngineQueue: config.maxEngineQueue,
      staleAfterMs: config.engineMetrics.staleAfterMs,
      now: 0,
      random,
    };
  }

  /**
   * The next replica for a request that already tried `tried`; null when none is left. Only a
   * request's first attempt in this pool moves round-robin's turn: a retry moving it past the replica
   * it went to would hand the next request's first attempt to the one that just failed (every request,
   * in a pool of two). `tried` spans the request's whole chain, so a request falling over from another
   * pool still takes its turn here.
   */
  pick(tried: ReadonlySet<Replica>): PickResult<Replica> | null {
    const result = pickReplica(this.replicas, tried, this.balanceContext(), this.cursor);
    if (result !== null && !this.replicas.some((replica) => tried.has(replica))) this.cursor = result.index + 1;
    return result;
  }

  /**
   * Prompt and output tokens together the served model takes: the configured contextLength, else
   * what every replica's engine reported when they agree; null when unknown. Strict budgets bound a
   * request's output by it.
   */
  get contextLength(): number | null {
    if (this.config.contextLength !== null) return this.config.contextLength;
    const first = this.replicas[0]?.contextLength ?? null;
    for (const replica of this.replicas) if (replica.contextLength !== first) return null;
    return first;
  }

  /** Replicas that could take a request now without being over a limit. */
  eligibleCount(): number {
    const ctx = this.balanceContext();
    let count = 0;
    for (const replica of this.replicas) if (standing(replica, ctx) === 'eligible') count++;
    return count;
  }

  /** Available replicas that are all over maxInFlight, the engine-queue threshold or their connections. */
  isSaturated(): boolean {
    const ctx = this.balanceContext();
    let saturated = 0;
    for (const replica of this.replicas) {
      const state = standing(replica, ctx);
      if (state === 'eligible') return false;
      if (state === 'saturated' || state === 'full') saturated++;
    }
    return saturated > 0;
  }

  /** Whether the replica has a request on every connection (and so cannot be picked). */
  isFull(replica: Replica): boolean {
    return isFull(replica, this.balanceContext());
  }

  /** Whether some replica has a request on every connection (and so cannot be picked). */
  hasFullReplica(): boolean {
    const ctx = this.balanceContext();
    return this.replicas.some((replica) => isFull(replica, ctx));
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
    this.context.now = this.now();
    return this.context;
  }
}
