// The learned model as a classifier: class probabilities (blended with the heuristic's vote when
// the config gives it a weight: blend.ts) → a class through the operator's thresholds
// (thresholds.ts), the model's P(complex) as the score, and the evidence for the class as reasons.
import type { Classification, Complexity } from '../classification.js';
import { blendWithHeuristic } from './blend.js';
import type { ClassProbabilities, LearnedClassifierModel } from './contract.js';
import { decideComplexity, type LearnedThresholds } from './thresholds.js';

const MAX_REASONS = 3;

/** The heuristic's share of the vote, and how to ask it (only when its vote could change the class). */
export interface HeuristicVote {
  readonly weight: number;
  readonly ask: () => Complexity;
}

export function classifyLearned(
  body: Readonly<Record<string, unknown>>,
  model: LearnedClassifierModel,
  thresholds: LearnedThresholds,
  heuristic: HeuristicVote | null = null,
): Classification {
  const prediction = model.predict(body);
  const p = prediction.probabilities;
  let complexity = decideComplexity(p, thresholds);
  let voted: Complexity | null = null;
  if (heuristic !== null && heuristic.weight > 0) {
    // The heuristic costs about twice the model; it is asked only when its vote could change the class.
    const ifSimple = decideComplexity(blendWithHeuristic(p, 'simple', heuristic.weight), thresholds);
    const ifModerate = decideComplexity(blendWithHeuristic(p, 'moderate', heuristic.weight), thresholds);
    const ifComplex = decideComplexity(blendWithHeuristic(p, 'complex', heuristic.weight), thresholds);
    if (ifSimple === ifModerate && ifModerate === ifComplex) complexity = ifSimple;
    else {
      voted = heuristic.ask();
      complexity = decideComplexity(blendWithHeuristic(p, voted, heuristic.weight), thresholds);
    }
  }
  // The model's evidence names what pushed towards its most probable class; when the heuristic's
  // vote or a threshold picked another class, that evidence would point the wrong way.
  const why = complexity === argmax(p) ? prediction.evidence : complexity === voted ? ['heuristic'] : ['threshold'];
  return { complexity, score: Math.round(p[2] * 1000) / 1000, reasons: ['model', ...why].slice(0, MAX_REASONS) };
}

function argmax(p: ClassProbabilities): Complexity {
  return p[0] >= p[1] && p[0] >= p[2] ? 'simple' : p[1] >= p[2] ? 'moderate' : 'complex';
}
