// From the learned model's class probabilities to a class. The complex threshold is the operator's
// cost/quality dial (README: the curve of large-tier share against complex→small); the simple one
// decides between the two cheaper classes.
import type { Complexity } from '../classification.js';
import type { ClassProbabilities } from './contract.js';

export interface LearnedThresholds {
  /** P(complex) at or above this → complex, whatever the other two say. */
  readonly complexFrom: number;
  /** Otherwise P(simple) at or above this → simple; else moderate. */
  readonly simpleFrom: number;
}

export function decideComplexity(probabilities: ClassProbabilities, thresholds: LearnedThresholds): Complexity {
  if (probabilities[2] >= thresholds.complexFrom) return 'complex';
  return probabilities[0] >= thresholds.simpleFrom ? 'simple' : 'moderate';
}
