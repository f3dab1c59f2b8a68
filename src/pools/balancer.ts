// Picking a replica inside a pool: a pure function of the replicas' state, the clock and a random
// source, so it is table-tested and can answer dry runs. It reads replica state and writes nothing.
import type { BalanceStrategy } from '../config/types.js';
import { freshLoad } from './engine-metrics.js';
import { currentLatency, type LatencyState } from './latency.js';
import type { EngineLoad } from './replica.js';

/** The parts of a replica the balancer reads (Replica has them; tests pass plain objects). */
export interface BalanceCandidate {
  readonly inFlight: number;
  readonly weight: number;
  readonly coolingUntil: number;
  readonly health: { readonly healthy: boolean };
  readonly outlier: { readonly ejectedUntil: number };
  readonly engineLoad: EngineLoad | null;
  readonly latency: Readonly<LatencyState>;
}

export interface BalanceContext {
  readonly strategy: BalanceStrategy;
  readonly maxInFlight: number;
  /** The pool's connections per replica: requests in flight to one replica at most. */
  readonly maxConnections: number;
  readonly maxEngineQueue: number;
  /** A scrape older than this is unknown load. */
  readonly staleAfterMs: number;
  readonly now: number;
  /** Uniform in [0, 1). */
  readonly random: () => number;
}

/**
 * How a replica can be used now. A saturated replica is avoided while others are eligible; a full
 * one is never picked: every connection carries a request (HTTP/1.1 carries one at a time), so one
 * more would wait inside the HTTP client, where neither the router's timers nor the client's leaving
 * reach it.
 */
export type Standing = 'eligible' | 'saturated' | 'full' | 'unavailable';

export function standing(replica: BalanceCandidate, ctx: BalanceContext): Standing {
  if (!replica.health.healthy || replica.outlier.ejectedUntil > ctx.now || replica.coolingUntil > ctx.now) {
    return 'unavailable';
  }
  if (isFull(replica, ctx)) return 'full';
  if (replica.inFlight >= ctx.maxInFlight) return 'saturated';
  const load = freshLoad(replica, ctx.now, ctx.staleAfterMs);
  if (load !== null && load.waiting > ctx.maxEngineQueue) return 'saturated';
  return 'eligible';
}

/** A request on every connection, whatever else the replica's standing: it cannot take one more. */
export function isFull(replica: BalanceCandidate, ctx: BalanceContext): boolean {
  return replica.inFlight >= ctx.maxConnections;
}

/**
 * The cost of sending one more request to a replica, lower is better. The engine's queue delays
 * everyone behind it, so it weighs double; a full KV cache means preemption, so it scales the cost
 * up to twice. Unknown load (no scrape, or a stale one) counts as busy: a queue at the saturation
 * threshold and a full cache, so a silent replica is never mistaken for an idle one.
 */
export function loadScore(replica: BalanceCandidate, ctx: BalanceContext): number {
  const load = freshLoad(replica, ctx.now, ctx.staleAfterMs);
  const waiting = load === null ? ctx.maxEngineQueue : load.waiting;
  // The engine's running count includes this router's own requests; only others' add to it.
  const others = load === null ? 0 : Math.max(0, load.running - replica.inFlight);
  const kvCacheUse = load === null ? 1 : (load.kvCacheUse ?? 0);
  return ((replica.inFlight + others + 2 * waiting + 1) * (1 + kvCacheUse)) / replica.weight;
}

/**
 * Load score × how slowly the replica has been answering, compared with a rival. Equal load on a
 * replica three times slower means three times the wait, so latency must count; when either replica
 * has no latency sample yet, the comparison falls back to load alone, so new replicas get tried. The
 * latency decays while a replica is not measured (currentLatency), so one slow answer does not keep it
 * out for good.
 */
export function expectedCost(replica: BalanceCandidate, rival: BalanceCandidate, ctx: BalanceContext): number {
  const score = loadScore(replica, ctx);
  const decayed = currentLatency(replica.latency, ctx.now);
  const rivalMs = rival.latency.ewmaMs;
  if (decayed === null || rivalMs === null) return score;
  // Decayed no further than half the rival's: enough to be tried again, not so far that a burst piles
  // onto it before its first new sample comes back.
  const own = Math.max(decayed, Math.min(replica.latency.ewmaMs ?? decayed, rivalMs / 2));
  return score * Math.max(own, 1);
}

export interface PickResult<R> {
  readonly replica: R;
  /** Its position in the pool, from which round-robin continues. */
  readonly index: number;
  /** No replica was eligible, so one was taken from the whole pool rather than failing. */
  readonly panic: boolean;
}

/**
 * Picks among the replicas not yet tried by this request: eligible ones first; when none is
 * eligible, any untried one that is not full (panic mode). Null when none is left.
 * `cursor` is the pool's round-robin position, used only by that strategy.
 */
export function pickReplica<R extends BalanceCandidate>(replicas: readonly R[], tried: ReadonlySet<R>, ctx: BalanceContext, cursor = 0): PickResult<R> | null {
  const eligible: R[] = [];
  const untried: R[] = [];
  for (const replica of replicas) {
    if (tried.has(replica) || isFull(replica, ctx)) continue;
    untried.push(replica);
    if (standing(replica, ctx) === 'eligible') eligible.push(replica);
  }
  const panic = eligible.length === 0;
  const candidates = panic ? untried : eligible;
  if (candidates.length === 0) return null;
  const replica = ctx.strategy === 'round-robin' ? nextInRing(replicas, candidates, cursor) : choose(candidates, ctx);
  return { replica, index: replicas.indexOf(replica), panic };
}

/** Round-robin: the first candidate at or after the cursor, walking the whole pool in order. */
function nextInRing<R>(replicas: readonly R[], candidates: readonly R[], cursor: number): R {
  for (let step = 0; step < replicas.length; step++) {
    const replica = replicas[(cursor + step) % replicas.length] as R;
    if (candidates.includes(replica)) return replica;
  }
  return candidates[0] as R;
}

function choose<R extends BalanceCandidate>(candidates: readonly R[], ctx: BalanceContext): R {
  const first = candidates[0] as R;
  if (candidates.length === 1) return first;
  switch (ctx.strategy) {
    case 'round-robin':
      return first;
    case 'least-in-flight':
      return leastInFlight(candidates, ctx);
    case 'load-aware': {
      // Power of two choices: two distinct random candidates, the lighter one wins. Nearly as good
      // as scanning all, and it does not stampede onto one replica between two scrapes.
      const a = Math.floor(ctx.random() * candidates.length);
      const b = (a + 1 + Math.floor(ctx.random() * (candidates.length - 1))) % candidates.length;
      const left = candidates[a] as R;
      const right = candidates[b] as R;
      return expectedCost(right, left, ctx) < expectedCost(left, right, ctx) ? right : left;
    }
  }
}

/** Fewest in flight per unit of weight; ties broken at random so equal replicas share the work. */
function leastInFlight<R extends BalanceCandidate>(candidates: readonly R[], ctx: BalanceContext): R {
  let best: R[] = [];
  let bestCost = Infinity;
  for (const replica of candidates) {
    const cost = replica.inFlight / replica.weight;
    if (cost < bestCost) {
      bestCost = cost;
      best = [replica];
    } else if (cost === bestCost) {
      best.push(replica);
    }
  }
  return best[Math.floor(ctx.random() * best.length)] as R;
}
