// What every classifier returns. The router maps a Complexity to a tier; the reasons travel to the
// client in `x-switchyard-reason` (e.g. `complex: code+multi-step`), so they are short ASCII words.

export type Complexity = 'simple' | 'moderate' | 'complex';

/** In increasing order of difficulty; evaluation tables follow this order. */
export const COMPLEXITIES: readonly Complexity[] = ['simple', 'moderate', 'complex'];

export interface Classification {
  readonly complexity: Complexity;
  /**
   * The heuristic's evidence in points: an unbounded sum of weighted signals (negative signals such
   * as `short-chat` can take it below zero). It is compared with the thresholds in the settings
   * that produced it, so it is only comparable between classifications made with the same settings.
   */
  readonly score: number;
  /** The 1–3 signals that contributed most in the direction of the decision, strongest first. */
  readonly reasons: readonly string[];
}

export function isComplexity(value: unknown): value is Complexity {
  return value === 'simple' || value === 'moderate' || value === 'complex';
}

/** `complex: code+multi-step`, the value of the `x-switchyard-reason` header. */
export function formatReason(classification: Classification): string {
  const why = classification.reasons.length > 0 ? classification.reasons.join('+') : 'none';
  return `${classification.complexity}: ${why}`;
}
