// The cost/quality curve of the learned classifier: for each threshold on P(complex)
// (classifier.learned.complexFrom), how much traffic goes to the large tier and how many complex
// requests end up on the small one. Computed from held-out probabilities, so an operator can pick
// the threshold for their own price ratio and quality bar.
import type { Complexity } from '../classification.js';
import { DEFAULT_PRICES, DEFAULT_ROUTE, evaluate, type Evaluation, type Prices, type Route } from '../evaluate.js';
import type { ClassProbabilities } from './contract.js';
import { decideComplexity, type LearnedThresholds } from './thresholds.js';

/** A labelled item and the probabilities a model that never saw it gave it. */
export interface Scored {
  readonly label: Complexity;
  readonly probabilities: ClassProbabilities;
  /** The least class the request's own signals allow (classify/floors.ts), whatever the thresholds. */
  readonly floor?: Complexity;
}

const RANK: Readonly<Record<Complexity, number>> = { simple: 0, moderate: 1, complex: 2 };

export interface CurvePoint {
  readonly complexFrom: number;
  /** Share of all requests routed to the tier complex requests go to. */
  readonly largeShare: number;
  /** Complex requests routed to a cheaper tier, out of the complex ones. */
  readonly complexToSmall: number;
  /** Simple requests routed to a dearer tier, out of the simple ones. */
  readonly simpleToLarge: number;
  readonly accuracy: number;
}

/** step, 2·step, … below 1, rounded so that 3 × 0.05 prints as 0.15. */
export function thresholdSteps(step: number): number[] {
  const steps: number[] = [];
  for (let i = 1; i * step < 1 - 1e-9; i++) steps.push(Math.round(i * step * 1e9) / 1e9);
  return steps;
}

/** The class the thresholds give, lifted to the item's floor. */
export function decideScored({ probabilities, floor }: Scored, thresholds: LearnedThresholds): Complexity {
  const decided = decideComplexity(probabilities, thresholds);
  return floor !== undefined && RANK[floor] > RANK[decided] ? floor : decided;
}

export function evaluateAt(set: readonly Scored[], thresholds: LearnedThresholds, route: Route = DEFAULT_ROUTE, prices: Prices = DEFAULT_PRICES): Evaluation {
  return evaluate(
    set.map((scored) => ({ label: scored.label, predicted: decideScored(scored, thresholds) })),
    route,
    prices,
  );
}

function pointOf(complexFrom: number, evaluation: Evaluation): CurvePoint {
  return {
    complexFrom,
    largeShare: evaluation.toComplexTier.share,
    complexToSmall: evaluation.underRouted.share,
    simpleToLarge: evaluation.overRouted.share,
    accuracy: evaluation.accuracy,
  };
}

/** One point per complexFrom, simpleFrom held where it is. Monotone: a higher threshold sends less to the large tier. */
export function costQualityCurve(
  set: readonly Scored[],
  complexFroms: readonly number[],
  simpleFrom: number,
  route: Route = DEFAULT_ROUTE,
  prices: Prices = DEFAULT_PRICES,
): CurvePoint[] {
  return complexFroms.map((complexFrom) => pointOf(complexFrom, evaluateAt(set, { complexFrom, simpleFrom }, route, prices)));
}

export interface Targets {
  readonly accuracy: number;
  readonly complexToSmall: number;
  readonly simpleToLarge: number;
}

/** The issue's targets for unseen traffic. */
export const ISSUE_TARGETS: Targets = { accuracy: 0.85, complexToSmall: 0.05, simpleToLarge: 0.1 };

export interface Recommendation extends LearnedThresholds {
  readonly point: CurvePoint;
  readonly meetsTargets: boolean;
  /** The targets this pair misses, e.g. `accuracy 81.2% < 85.0%`; empty when it meets them all. */
  readonly missed: readonly string[];
}

/**
 * A grid search over both thresholds. Among the pairs that meet every target: the most accurate
 * (then the least traffic on the large tier). When none does, quality comes first: the most accurate
 * pair within the complex→small target, else the pair with the least complex→small.
 * Chosen on the same held-out predictions it is reported on, so its numbers flatter it a little.
 */
export function recommendThresholds(
  set: readonly Scored[],
  targets: Targets = ISSUE_TARGETS,
  step = 0.01,
  route: Route = DEFAULT_ROUTE,
  prices: Prices = DEFAULT_PRICES,
): Recommendation {
  const grid = thresholdSteps(step);
  const candidates: { thresholds: LearnedThresholds; point: CurvePoint; missed: string[] }[] = [];
  for (const complexFrom of grid) {
    for (const simpleFrom of grid) {
      const point = pointOf(complexFrom, evaluateAt(set, { complexFrom, simpleFrom }, route, prices));
      candidates.push({ thresholds: { complexFrom, simpleFrom }, point, missed: missedTargets(point, targets) });
    }
  }
  const better = (a: CurvePoint, b: CurvePoint) => a.accuracy > b.accuracy || (a.accuracy === b.accuracy && a.largeShare < b.largeShare);
  const best = (pool: readonly (typeof candidates)[number][], prefer: (a: CurvePoint, b: CurvePoint) => boolean) =>
    pool.reduce<(typeof candidates)[number] | undefined>((chosen, c) => (chosen === undefined || prefer(c.point, chosen.point) ? c : chosen), undefined);
  const chosen =
    best(candidates.filter((c) => c.missed.length === 0), better) ??
    best(candidates.filter((c) => c.point.complexToSmall <= targets.complexToSmall), better) ??
    best(candidates, (a, b) => a.complexToSmall < b.complexToSmall || (a.complexToSmall === b.complexToSmall && better(a, b)));
  if (chosen === undefined) throw new RangeError('recommendThresholds: the step leaves no thresholds to try');
  return { ...chosen.thresholds, point: chosen.point, meetsTargets: chosen.missed.length === 0, missed: chosen.missed };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function missedTargets(point: CurvePoint, targets: Targets): string[] {
  const missed: string[] = [];
  if (point.accuracy < targets.accuracy) missed.push(`accuracy ${pct(point.accuracy)} < ${pct(targets.accuracy)}`);
  if (point.complexToSmall > targets.complexToSmall) missed.push(`complex→small ${pct(point.complexToSmall)} > ${pct(targets.complexToSmall)}`);
  if (point.simpleToLarge > targets.simpleToLarge) missed.push(`simple→large ${pct(point.simpleToLarge)} > ${pct(targets.simpleToLarge)}`);
  return missed;
}
