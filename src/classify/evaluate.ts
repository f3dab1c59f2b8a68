// Scoring a classifier against labels: accuracy, macro-F1, the confusion matrix, and what the
// mistakes cost once requests are routed. Routing and prices are inputs (later read from
// router.yaml), so the same numbers hold for any mapping of complexities to tiers.
import { COMPLEXITIES, type Complexity } from './classification.js';

export interface Outcome {
  readonly label: Complexity;
  readonly predicted: Complexity;
}

export interface ClassScores {
  readonly support: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface RoutingShare {
  readonly count: number;
  /** The number of items with that label. */
  readonly of: number;
  /** Out of the items with that label; 0 when there are none. */
  readonly share: number;
}

export interface Evaluation {
  readonly total: number;
  readonly accuracy: number;
  /** Unweighted mean of the per-class F1 scores (a class with no items and no predictions scores 0). */
  readonly macroF1: number;
  readonly perClass: Readonly<Record<Complexity, ClassScores>>;
  /** confusion[label][predicted] = number of items. */
  readonly confusion: Readonly<Record<Complexity, Readonly<Record<Complexity, number>>>>;
  /** Complex items routed to a cheaper tier than complex requests go to: the quality risk. */
  readonly underRouted: RoutingShare;
  /** Simple items routed to a dearer tier than simple requests go to: the wasted spend. */
  readonly overRouted: RoutingShare;
  /** All items routed to the tier complex requests go to (`of` is the total): the large tier's share of traffic. */
  readonly toComplexTier: RoutingShare;
  /**
   * Spend per request in price units, each request costing its tier's price: as predicted, as the
   * labels would route, and with every request on the dearest tier the route uses (the baseline).
   */
  readonly cost: { readonly predicted: number; readonly labelled: number; readonly baseline: number };
  /** 1 − predicted / baseline: the fraction of the all-large spend that routing saves. */
  readonly saving: number;
}

export type Route = Readonly<Record<Complexity, string>>;
export type Prices = Readonly<Record<string, number>>;

/** The default routing: simple and moderate to the small tier, complex to the large one. */
export const DEFAULT_ROUTE: Route = { simple: 'small', moderate: 'small', complex: 'large' };
export const DEFAULT_PRICES: Prices = { small: 1, large: 10 };

export type Confusion = Readonly<Record<Complexity, Readonly<Record<Complexity, number>>>>;

export function evaluate(outcomes: readonly Outcome[], route: Route = DEFAULT_ROUTE, prices: Prices = DEFAULT_PRICES): Evaluation {
  const confusion = matrix();
  for (const { label, predicted } of outcomes) confusion[label][predicted]++;
  return evaluateConfusion(confusion, route, prices);
}

/** The same scores from the counts alone: every figure depends only on the confusion matrix (threshold sweeps count, then call this). */
export function evaluateConfusion(counts: Confusion, route: Route = DEFAULT_ROUTE, prices: Prices = DEFAULT_PRICES): Evaluation {
  const price = (complexity: Complexity): number => {
    const tier = route[complexity];
    const value = prices[tier];
    if (value === undefined || !Number.isFinite(value) || value < 0) throw new RangeError(`evaluate: no valid price for tier "${tier}"`);
    return value;
  };
  const confusion = matrix();
  let total = 0;
  for (const label of COMPLEXITIES) {
    for (const predicted of COMPLEXITIES) {
      confusion[label][predicted] = counts[label][predicted];
      total += counts[label][predicted];
    }
  }
  const correct = COMPLEXITIES.reduce((sum, c) => sum + confusion[c][c], 0);
  const perClass = scoresFrom(confusion);
  const macroF1 = COMPLEXITIES.reduce((sum, c) => sum + perClass[c].f1, 0) / COMPLEXITIES.length;

  const baselinePrice = Math.max(...COMPLEXITIES.map(price));
  let predictedSpend = 0;
  let labelledSpend = 0;
  let under = 0;
  let over = 0;
  let toComplexTier = 0;
  for (const label of COMPLEXITIES) {
    for (const predicted of COMPLEXITIES) {
      const n = confusion[label][predicted];
      if (route[predicted] === route.complex) toComplexTier += n;
      predictedSpend += n * price(predicted);
      labelledSpend += n * price(label);
      if (label === 'complex' && price(predicted) < price('complex')) under += n;
      if (label === 'simple' && price(predicted) > price('simple')) over += n;
    }
  }
  const perRequest = (spend: number) => (total === 0 ? 0 : spend / total);
  const cost = { predicted: perRequest(predictedSpend), labelled: perRequest(labelledSpend), baseline: total === 0 ? 0 : baselinePrice };
  return {
    total,
    accuracy: ratio(correct, total),
    macroF1,
    perClass,
    confusion,
    underRouted: share(under, rowTotal(confusion, 'complex')),
    overRouted: share(over, rowTotal(confusion, 'simple')),
    toComplexTier: share(toComplexTier, total),
    cost,
    saving: cost.baseline === 0 ? 0 : 1 - cost.predicted / cost.baseline,
  };
}

/** One evaluation per group (a source, a language, …), in the groups' sort order. */
export function evaluateGroups<T extends Outcome>(
  outcomes: readonly T[],
  group: (outcome: T) => string,
  route: Route = DEFAULT_ROUTE,
  prices: Prices = DEFAULT_PRICES,
): [name: string, evaluation: Evaluation][] {
  const groups = new Map<string, T[]>();
  for (const outcome of outcomes) {
    const name = group(outcome);
    const members = groups.get(name);
    if (members === undefined) groups.set(name, [outcome]);
    else members.push(outcome);
  }
  return [...groups.keys()].sort().map((name) => [name, evaluate(groups.get(name) ?? [], route, prices)]);
}

function scoresFrom(confusion: Record<Complexity, Record<Complexity, number>>): Record<Complexity, ClassScores> {
  const scores = {} as Record<Complexity, ClassScores>;
  for (const c of COMPLEXITIES) {
    const truePositive = confusion[c][c];
    const support = rowTotal(confusion, c);
    const predictedCount = COMPLEXITIES.reduce((sum, label) => sum + confusion[label][c], 0);
    const precision = ratio(truePositive, predictedCount);
    const recall = ratio(truePositive, support);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    scores[c] = { support, precision, recall, f1 };
  }
  return scores;
}

function matrix(): Record<Complexity, Record<Complexity, number>> {
  const row = () => ({ simple: 0, moderate: 0, complex: 0 });
  return { simple: row(), moderate: row(), complex: row() };
}

function rowTotal(confusion: Record<Complexity, Record<Complexity, number>>, label: Complexity): number {
  return COMPLEXITIES.reduce((sum, predicted) => sum + confusion[label][predicted], 0);
}

function share(count: number, of: number): RoutingShare {
  return { count, of, share: ratio(count, of) };
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}
