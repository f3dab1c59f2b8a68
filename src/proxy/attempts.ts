// The attempts of one request, all before commit, along the plan's chain (src/routing/plan.ts): pick
// a replica, try it, and on a retryable failure try another — the next replica of the pool, then the
// tier's next pool, then the chain's next tier — within maxAttempts, the retry budget and the
// request's one deadline. A tier whose replicas are all saturated is skipped at once for the chain's
// next tier instead of queueing. What happened comes back as the request's result (results.ts):
// every attempt's, the answer's, or the error that ended the request without one.
import type { ClientResponse } from '../protocols/client-response.js';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RetryConfig } from '../config/types.js';
import type { RouterMetrics } from '../observability/metrics.js';
import type { Waits } from '../observability/request-record.js';
import { RouterError } from '../openai/errors.js';
import type { Pool } from '../pools/pool.js';
import type { Replica } from '../pools/replica.js';
import type { PlannedTier, RequestPlan } from '../routing/plan.js';
import type { AbortSwitch } from './abort-switch.js';
import { runAttempt, type AttemptInput } from './attempt.js';
import { nativeAttempt } from './native/choose.js';
import { chatAttempt } from './chat-attempt.js';
import type { OutputCap } from '../budgets/output-plan.js';
import { abortReason, clientGone, finalError } from './give-up.js';
import { ClientGone } from './request-lifetime.js';
import { requestCost, type AttemptResult, type Draft, type RequestResult } from './results.js';
import type { RetryBudget } from './retry-budget.js';
import { backoffMs, isReplicaFailure, isRetryable } from './retry-policy.js';

/** Built once per router. */
export interface ProxyDeps {
  readonly metrics: RouterMetrics;
  readonly retryBudget: RetryBudget;
  readonly random: () => number;
}

export interface ProxyInput extends AttemptInput {
  /** What to try, in order, and why; the attempts decide nothing the plan decided. */
  readonly plan: RequestPlan<Pool>;
  readonly retry: RetryConfig;
  /** The plan's caps, once its reservation was made (an unmetered request gets none); null: none. */
  readonly outputCaps: ReadonlyMap<string, OutputCap> | null;
  /** What the response cache made of the request (a miss or a bypass), for the result; absent: no cache. */
  readonly cache?: RequestResult['cache'];
}

/** The request's result while the attempts fill it in. */
type Building = Draft<RequestResult> & { attempts: AttemptResult[] };

/**
 * Carries out the plan. Never throws: how it ended, answered or not, is in the result, which is the
 * caller's to complete (what the key was charged).
 */
export async function runAttempts(input: ProxyInput, deps: ProxyDeps): Promise<Draft<RequestResult>> {
  const { request, plan } = input;
  // Same shape as results.ts's endedEarly, so readers see one kind of object.
  const result: Building = {
    endpoint: request.endpoint,
    stream: request.stream,
    model: plan.alias,
    complexity: plan.complexity,
    tier: plan.tier.name,
    reason: plan.reason,
    attempts: [],
    answer: null,
    costNanoUsd: null,
    error: null,
    served: 'engine',
    cache: input.cache ?? null,
  };
  // Aborted while it was classified or reserved (the client left, or the deadline passed): no
  // attempt starts, and the retry budget does not count the request.
  if (input.abort.aborted) {
    result.error = input.abort.reason ?? new ClientGone();
    return result;
  }
  try {
    result.answer = await walkChain(input, deps, result);
  } catch (thrown) {
    result.error = thrown;
  }
  result.costNanoUsd = requestCost(result.attempts);
  return result;
}

/** The chain, attempt by attempt, until one answers (returned) or the request must give up (thrown). */
async function walkChain(input: ProxyInput, deps: ProxyDeps, result: Building): Promise<AttemptResult> {
  const { res, retry } = input;
  const { metrics } = deps;
  deps.retryBudget.recordRequest();
  const { chain } = input.plan;
  const tried = new Set<Replica>();
  let reason = input.plan.reason;
  let lastFailure: RouterError | null = null;
  let lastPool: Pool | null = null;

  for (const [tierIndex, tier] of chain.entries()) {
    const spillTarget = chain[tierIndex + 1];
    const triedBefore = tried.size;
    // Spilled under load only where the spill can be served: when no later tier has an eligible replica
    // either, the saturated tier is still the best there is (panic mode below takes its replicas).
    if (spillTarget !== undefined) {
      if (isSaturated(tier) && laterHasEligible(chain, tierIndex, tier.pools.length - 1)) {
        metrics.spills.inc({ from_tier: tier.name, to_tier: spillTarget.name, cause: 'saturated' });
        reason = `spill: ${tier.name} saturated`;
        continue;
      }
    }
    for (const [poolIndex, pool] of tier.pools.entries()) {
      // Panic mode is a last resort: a pool with no eligible replica is passed over while a later
      // pool or spill tier has one. (Asked only when there is a later option at all.)
      const lastOption = tierIndex === chain.length - 1 && poolIndex === tier.pools.length - 1;
      if (!lastOption && pool.eligibleCount() === 0 && laterHasEligible(chain, tierIndex, poolIndex)) continue;
      for (let pick = pool.pick(tried); pick !== null; pick = pool.pick(tried)) {
        if (tried.size >= retry.maxAttempts) throw finalError(lastFailure, tried.size);
        if (tried.size > 0) {
          if (!deps.retryBudget.tryRetry(retry)) {
            metrics.retryBudgetExhausted.inc();
            throw finalError(lastFailure, tried.size);
          }
          metrics.retries.inc({ pool: pool.name });
          await backoff(tried.size, retry, deps.random, input.abort, input.started);
          // The replica may have filled up during the wait: then another is picked.
          if (pool.isFull(pick.replica)) pick = pool.pick(tried);
          if (pick === null) break;
        }
        // A move to the tier's next pool; a move to a spill tier's pool is counted as the spill.
        if (lastPool !== null && lastPool !== pool && tier.pools.includes(lastPool)) metrics.fallbacks.inc({ from_pool: lastPool.name, to_pool: pool.name });
        if (pick.panic) metrics.panics.inc({ pool: pool.name });
        lastPool = pool;
        const { replica } = pick;
        tried.add(replica);
        result.tier = tier.name;
        result.reason = reason;
        announce(res, tier, pool, replica, reason);
        const attempt = await tryReplica(input, pool, replica, deps, pick.panic, result.attempts);
        if (attempt.committed) return attempt;
        const failure = attempt.error;
        // Neither committed nor failed: the client left before its answer began.
        if (failure === null) throw clientGone(input.abort);
        if (input.abort.aborted) throw abortReason(input.abort, tried.size);
        if (!isRetryable(failure)) throw failure;
        lastFailure = failure;
      }
    }
    if (spillTarget !== undefined && tried.size > triedBefore) {
      metrics.spills.inc({ from_tier: tier.name, to_tier: spillTarget.name, cause: 'exhausted' });
      reason = `fallback: ${tier.name} exhausted`;
    } else if (spillTarget !== undefined) {
      // Nothing of this tier could be asked (every replica unhealthy, ejected or cooling): said so, as a spill is.
      metrics.spills.inc({ from_tier: tier.name, to_tier: spillTarget.name, cause: 'unavailable' });
      reason = `spill: ${tier.name} unavailable`;
    }
  }
  // A replica passed over for want of a free connection will have one soon: whatever the replicas that
  // were tried said, the client is told to come back (a 503 with Retry-After, which it may retry).
  const full = fullChainFailure(chain);
  if (full !== null) throw finalError(full, 0);
  throw finalError(lastFailure, tried.size);
}

/** Why nothing was tried when some replica of the chain was passed over for want of a free connection; null otherwise. */
function fullChainFailure(chain: readonly PlannedTier<Pool>[]): RouterError | null {
  if (!chain.some((tier) => tier.pools.some((pool) => pool.hasFullReplica()))) return null;
  return new RouterError('upstream_overloaded', "Every replica that could serve this request has a request on each of its connections (the pool's maxConnections).", {
    retryAfterMs: 1000,
  });
}

/** One attempt, added to `attempts` and learnt from (a client that left before commit teaches nothing). */
async function tryReplica(input: ProxyInput, pool: Pool, replica: Replica, deps: ProxyDeps, panic: boolean, attempts: AttemptResult[]): Promise<AttemptResult> {
  const { request } = input;
  const cap = input.outputCaps?.get(pool.name);
  // A pool whose engine serves the client's own API gets the client's own request (src/proxy/native/).
  const sent = nativeAttempt(request.native, request.stream, pool, input.res, cap) ?? chatAttempt(request, pool, cap);
  const attempt = await runAttempt(input, pool, replica, sent, panic);
  attempts.push(attempt);
  if (attempt.committed) {
    // The replica's name as the attempt began (attempt.replica): a reload may rename a replica it keeps,
    // and the series must not pair the old config's pool with the new name.
    deps.metrics.attempts.series(pool.name, attempt.replica, attempt.outcome).inc();
    // A stream that broke after commit cannot be retried, but it still tells on its replica.
    if (attempt.outcome === 'stream_interrupted') learnFailure(pool, replica, attempt.replica, deps);
    // Only a stream's first event measures the replica: a whole answer's headers come when its
    // generation ends, which measures how long the answer was, not how fast the replica is.
    else if (attempt.outcome === 'ok') pool.recordSuccess(replica, input.request.stream ? attempt.firstByteMs : null);
    return attempt;
  }
  // Counted by outcome: the failure's kind, or client_abort when the client left before its answer began.
  deps.metrics.attempts.series(pool.name, attempt.replica, attempt.outcome).inc();
  const failure = attempt.error;
  if (failure === null) return attempt;
  if (isReplicaFailure(failure)) learnFailure(pool, replica, attempt.replica, deps);
  if (failure.retryAfterMs !== null) pool.cool(replica, failure.retryAfterMs);
  return attempt;
}

function learnFailure(pool: Pool, replica: Replica, name: string, deps: ProxyDeps): void {
  if (pool.recordFailure(replica)) deps.metrics.ejections.inc({ pool: pool.name, replica: name });
}

/** Headers describe the attempt that will commit, so they are (re)set before each one. */
function announce(res: ClientResponse, tier: PlannedTier<Pool>, pool: Pool, replica: Replica, reason: string): void {
  res.setHeader('x-switchyard-tier', tier.name);
  res.setHeader('x-switchyard-reason', reason);
  res.setHeader('x-switchyard-pool', pool.name);
  res.setHeader('x-switchyard-replica', replica.name);
}

/** Every pool of the tier is out of eligible replicas, and at least one because of load. */
function isSaturated(tier: PlannedTier<Pool>): boolean {
  let saturated = false;
  for (const pool of tier.pools) {
    if (pool.eligibleCount() > 0) return false;
    saturated ||= pool.isSaturated();
  }
  return saturated;
}

function laterHasEligible(chain: readonly PlannedTier<Pool>[], tierIndex: number, poolIndex: number): boolean {
  for (let t = tierIndex; t < chain.length; t++) {
    const pools = chain[t]?.pools ?? [];
    for (let p = t === tierIndex ? poolIndex + 1 : 0; p < pools.length; p++) {
      if ((pools[p]?.eligibleCount() ?? 0) > 0) return true;
    }
  }
  return false;
}

async function backoff(retry: number, config: RetryConfig, random: () => number, abort: AbortSwitch, waits: Waits): Promise<void> {
  const ms = backoffMs(retry, config, random);
  if (ms <= 0) return;
  const from = performance.now();
  try {
    await sleep(ms, undefined, { signal: abort.signal });
  } catch {
    throw abortReason(abort, retry);
  } finally {
    waits.waitedMs += performance.now() - from;
  }
}
