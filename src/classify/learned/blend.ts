// The learned model's probabilities blended with the heuristic's verdict. Measured by
// leave-one-source-out (README, "How well it routes"), neither is the better judge of a kind of
// traffic it has not seen: the model's n-grams know the sources it was trained on, the heuristic's
// hand-written lexicons and shapes carry across sources and languages. Their blend routes unseen
// sources better than either, so the router runs both (the heuristic costs a few microseconds more).
import type { Complexity } from '../classification.js';
import type { ClassProbabilities } from './contract.js';

/** How much of the heuristic's vote goes to the class it chose; the rest is split between the other two. */
const HEURISTIC_CONFIDENCE = 0.8;
const ELSEWHERE = (1 - HEURISTIC_CONFIDENCE) / 2;

/** (1 − weight) × the model's probabilities + weight × the heuristic's vote. Weight 0 is the model alone. */
export function blendWithHeuristic(model: ClassProbabilities, heuristic: Complexity, weight: number): ClassProbabilities {
  if (weight === 0) return model;
  const keep = 1 - weight;
  const chosen = weight * HEURISTIC_CONFIDENCE;
  const other = weight * ELSEWHERE;
  return [
    keep * model[0] + (heuristic === 'simple' ? chosen : other),
    keep * model[1] + (heuristic === 'moderate' ? chosen : other),
    keep * model[2] + (heuristic === 'complex' ? chosen : other),
  ];
}
