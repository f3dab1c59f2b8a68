// The cost/quality curve of the learned classifier: for each threshold on P(complex)
// (classifier.learned.complexFrom), how much traffic goes to the large tier and how many complex
// requests end up on the small one. Computed from held-out probabilities, so an operator can pick
// the threshold for their own price ratio and quality bar.
import type { Complexity } from '../classification.js';
import { DEFAULT_PRICES, DEFAULT_ROUTE, evaluateConfusion, type Evaluation, type Prices, type Route } from '../evaluate.js';
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
  return sweeper(set, route, prices)(thresholds);
}

/**
 * Evaluations of one set at many thresholds: the probabilities are laid out once in typed arrays and
 * each pair of thresholds only counts a confusion matrix (a 99 × 99 grid over thousands of items
 * takes a fraction of a second). Decides exactly as decideScored does.
 */
function sweeper(set: readonly Scored[], route: Route, prices: Prices): (thresholds: LearnedThresholds) => Evaluation {
  const n = set.length;
  const pSimple = new Float64Array(n);
  const pComplex = new Float64Array(n);
  const label = new Uint8Array(n);
  const floor = new Uint8Array(n);
  set.forEach((item, i) => {
    pSimple[i] = item.probabilities[0];
    pComplex[i] = item.probabilities[2];
    label[i] = RANK[item.label];
    floor[i] = item.floor === undefined ? 0 : RANK[item.floor];
  });
  const counts = new Int32Array(9);
  return ({ complexFrom, simpleFrom }) => {
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      let decided = (pComplex[i] ?? 0) >= complexFrom ? 2 : (pSimple[i] ?? 0) >= simpleFrom ? 0 : 1;
      const least = floor[i] ?? 0;
      if (least > decided) decided = least;
      const cell = (label[i] ?? 0) * 3 + decided;
      counts[cell] = (counts[cell] ?? 0) + 1;
    }
    const row = (l: number) => ({ simple: counts[l * 3] ?? 0, moderate: counts[l * 3 + 1] ?? 0, complex: counts[l * 3 + 2] ?? 0 });
    return evaluateConfusion({ simple: row(0), moderate: row(1), complex: row(2) }, route, prices);
  };
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
  const at = sweeper(set, route, prices);
  return complexFroms.map((complexFrom) => pointOf(complexFrom, at({ complexFrom, simpleFrom })));
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
 * (then the least traffic on the large tier). When none does: the pair that misses the targets by
 * the least in total (the sum of the shortfalls, as shares), so that no one target is bought with an
 * absurd price on another (complex→small alone is met by sending almost everything to the large tier;
 * ask for that with targets of your own). Chosen on the same held-out predictions it is reported on,
 * so its numbers flatter it a little.
 */
export function recommendThresholds(
  set: readonly Scored[],
  targets: Targets = ISSUE_TARGETS,
  step = 0.01,
  route: Route = DEFAULT_ROUTE,
  prices: Prices = DEFAULT_PRICES,
): Recommendation {
  const grid = thresholdSteps(step);
  const at = sweeper(set, route, prices);
  const candidates: { thresholds: LearnedThresholds; point: CurvePoint; missed: string[] }[] = [];
  for (const complexFrom of grid) {
    for (const simpleFrom of grid) {
      const point = pointOf(complexFrom, at({ complexFrom, simpleFrom }));
      candidates.push({ thresholds: { complexFrom, simpleFrom }, point, missed: missedTargets(point, targets) });
    }
  }
  const better = (a: CurvePoint, b: CurvePoint) => a.accuracy > b.accuracy || (a.accuracy === b.accuracy && a.largeShare < b.largeShare);
  const best = (pool: readonly (typeof candidates)[number][], prefer: (a: CurvePoint, b: CurvePoint) => boolean) =>
    pool.reduce<(typeof candidates)[number] | undefined>((chosen, c) => (chosen === undefined || prefer(c.point, chosen.point) ? c : chosen), undefined);
  const short = (p: CurvePoint) => shortfall(p, targets);
  const chosen =
    best(
      candidates.filter((c) => c.missed.length === 0),
      better,
    ) ?? best(candidates, (a, b) => short(a) < short(b) || (short(a) === short(b) && better(a, b)));
  if (chosen === undefined) throw new RangeError('recommendThresholds: the step leaves no thresholds to try');
  return { ...chosen.thresholds, point: chosen.point, meetsTargets: chosen.missed.length === 0, missed: chosen.missed };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function shortfall(point: CurvePoint, targets: Targets): number {
  return Math.max(0, targets.accuracy - point.accuracy) + Math.max(0, point.complexToSmall - targets.complexToSmall) + Math.max(0, point.simpleToLarge - targets.simpleToLarge);
}

function missedTargets(point: CurvePoint, targets: Targets): string[] {
  const missed: string[] = [];
  if (point.accuracy < targets.accuracy) missed.push(`accuracy ${pct(point.accuracy)} < ${pct(targets.accuracy)}`);
  if (point.complexToSmall > targets.complexToSmall) missed.push(`complex→small ${pct(point.complexToSmall)} > ${pct(targets.complexToSmall)}`);
  if (point.simpleToLarge > targets.simpleToLarge) missed.push(`simple→large ${pct(point.simpleToLarge)} > ${pct(targets.simpleToLarge)}`);
  return missed;
}
