// The request plan: everything a request will do, decided once before anything is forwarded — the
// alias, its class and why, the tiers and pools attempts walk in order (fallbacks and spills, without
// the tiers the caller's key may not reach), strict budgets' output caps, and the reservation. Pure,
// in two steps around the one step that may take a while (a model-based classification): admit()
// refuses what can be refused before anything is classified, planRequest() decides the rest. The
// inference handler carries the plan out; POST /admin/route shows it.
import { allowedTier, checkMaxTokens, checkModel } from '../budgets/key-policy.js';
import type { CostEstimate } from '../budgets/estimate.js';
import { planReservation, type CappablePool, type OutputCap } from '../budgets/output-plan.js';
import type { KeyRecord } from '../budgets/types.js';
import type { Classification, Complexity } from '../classify/classification.js';
import type { BudgetsConfig } from '../config/types.js';
import { checkPin, decide, spillChain, type ModelRoute, type TierRoute } from './decide.js';
import type { InferenceRequest } from './inference-request.js';

/** Who asks: a client's key and its standing. Anonymous callers have none (null). */
export interface Caller {
  readonly key: KeyRecord;
  /** The largest share of any of its token budgets the key had used, as of its last reservation here. */
  readonly usedShare: number;
  /** The router's budget settings; null when budgets are off (the key is then only a policy). */
  readonly budgets: BudgetsConfig | null;
}

/** A request that passed every check made before classification. */
export interface Admission<P> {
  readonly route: ModelRoute<P>;
  readonly request: InferenceRequest;
  readonly caller: Caller | null;
  readonly pinnedTier: string | null;
  /** Whether it must be classified before it is planned: a classifying alias and no pinned tier. */
  readonly classify: boolean;
}

/** A tier as the attempts walk it: its pools in fallback order. */
export interface PlannedTier<P> {
  readonly name: string;
  readonly pools: readonly P[];
}

/** What a keyed request reserves: tokens and nano-USD (src/budgets/output-plan.ts), and the estimate behind them. */
export interface PlannedReservation {
  readonly tokens: number;
  readonly nanoUsd: number;
  /** Tight mode: the nano-USD each top-up adds. */
  readonly topUpNanoUsd: number;
  readonly estimate: CostEstimate;
}

export interface RequestPlan<P> {
  readonly alias: string;
  /** The request's class; null when the alias does not classify or a tier was pinned. */
  readonly complexity: Complexity | null;
  /** The classification behind it (score, signals), when there was one. */
  readonly classification: Classification | null;
  /** The tier that serves: the chain's first. */
  readonly tier: PlannedTier<P>;
  /** Why it serves (`x-switchyard-reason` until an attempt spills or falls back). */
  readonly reason: string;
  /** The tier that serves, then the tiers it spills to, in order; only tiers the key may reach. Never empty. */
  readonly chain: readonly PlannedTier<P>[];
  /** Strict budgets: pool name → the output cap its upstream body gets (pools not listed get none). */
  readonly caps: ReadonlyMap<string, OutputCap> | null;
  /** What is reserved before forwarding, for a keyed request with budgets on; null: unmetered. */
  readonly reservation: PlannedReservation | null;
}

/**
 * The checks that cost nothing, before classification (a refused request is never classified), in
 * the order clients see them: the key's models, its max_tokens, then the pinned tier. The alias is
 * found before (decide.ts's findRoute): an unknown model is a 404 whoever asks.
 */
export function admit<P>(route: ModelRoute<P>, request: InferenceRequest, caller: Caller | null, pinnedTier: string | null): Admission<P> {
  if (caller !== null) {
    checkModel(caller.key, request.model);
    checkMaxTokens(caller.key, request);
  }
  if (pinnedTier !== null) checkPin(route, pinnedTier);
  return { route, request, caller, pinnedTier, classify: pinnedTier === null && route.classify };
}

/** `classification`: the request's class when `admission.classify` (ignored otherwise). */
export function planRequest<P extends CappablePool>(admission: Admission<P>, classification: Classification | null): RequestPlan<P> {
  const { route, request, caller, pinnedTier } = admission;
  const used = admission.classify ? classification : null;
  const budgets = caller?.budgets ?? null;
  const degradeAt = budgets?.degradeAt ?? null;
  const budgetPressure = caller !== null && degradeAt !== null && caller.usedShare >= degradeAt ? caller.usedShare : null;
  const decision = decide(route, { classification: used, pinnedTier, budgetPressure });
  let { tier, reason } = decision;
  const key = caller?.key ?? null;
  if (key !== null) {
    // After the decision, pressure and pin alike: a key never reaches a tier it may not use.
    const allowed = allowedTier(key, route, tier);
    if (allowed.restricted) {
      tier = allowed.tier;
      reason = `restricted: ${tier.name}`;
    }
  }
  const { chain, pools } = reachable(tier, key?.tiers ?? null);
  // Strict budgets bound the cost on every pool the request may reach, so the chain comes first.
  const reservation = key !== null && budgets !== null ? planReservation(request, key, budgets, pools) : null;
  return {
    alias: route.alias,
    complexity: decision.complexity,
    classification: used,
    tier,
    reason,
    chain,
    caps: reservation?.caps ?? null,
    reservation: reservation === null ? null : { tokens: reservation.tokens, nanoUsd: reservation.nanoUsd, topUpNanoUsd: reservation.topUpNanoUsd, estimate: reservation.estimate },
  };
}

interface Reach<P> {
  readonly chain: readonly PlannedTier<P>[];
  /** Every pool of the chain, in order. */
  readonly pools: readonly P[];
}

/**
 * A tier's whole chain depends only on the config (spillTo is resolved at load): it is built on a
 * tier's first request and kept with the tier, which a reload replaces along with its cache entry.
 */
const WHOLE_CHAINS = new WeakMap<object, Reach<unknown>>();

/** The tier and the tiers it spills to, without those the key may not reach (`allowed` null: all). */
function reachable<P>(tier: TierRoute<P>, allowed: readonly string[] | null): Reach<P> {
  if (allowed === null) {
    let whole = WHOLE_CHAINS.get(tier) as Reach<P> | undefined;
    if (whole === undefined) WHOLE_CHAINS.set(tier, (whole = reach(spillChain(tier))));
    return whole;
  }
  return reach(spillChain(tier).filter((next) => allowed.includes(next.name)));
}

function reach<P>(chain: readonly PlannedTier<P>[]): Reach<P> {
  return { chain, pools: chain.flatMap((next) => next.pools) };
}
