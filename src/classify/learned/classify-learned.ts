// The learned model as a classifier: class probabilities → a class through the operator's thresholds
// (thresholds.ts), P(complex) as the score, and the model's evidence as the reasons.
import type { Classification } from '../classification.js';
import type { LearnedClassifierModel } from './contract.js';
import { decideComplexity, type LearnedThresholds } from './thresholds.js';

const MAX_REASONS = 3;

export function classifyLearned(body: Readonly<Record<string, unknown>>, model: LearnedClassifierModel, thresholds: LearnedThresholds): Classification {
  const prediction = model.predict(body);
  const p = prediction.probabilities;
  const complexity = decideComplexity(p, thresholds);
  const argmax = p[0] >= p[1] && p[0] >= p[2] ? 'simple' : p[1] >= p[2] ? 'moderate' : 'complex';
  // The evidence names what pushed towards the most probable class; when a threshold picked
  // another class, that evidence would point the wrong way, so the threshold is the reason.
  const why = complexity === argmax ? prediction.evidence : ['threshold'];
  return { complexity, score: Math.round(p[2] * 1000) / 1000, reasons: ['model', ...why].slice(0, MAX_REASONS) };
}
