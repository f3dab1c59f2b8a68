// The contract between the learned classifier (model.ts, trained by train.ts) and the router that
// uses it (routing/classifier.ts). Written first so both sides could be built at the same time.
import type { Complexity } from '../classification.js';

/** Class probabilities in COMPLEXITIES order: simple, moderate, complex; they sum to 1. */
export type ClassProbabilities = readonly [simple: number, moderate: number, complex: number];

export interface LearnedPrediction {
  readonly probabilities: ClassProbabilities;
  /** Up to 3 short ASCII words naming the feature groups that pushed hardest toward the argmax class. */
  readonly evidence: readonly string[];
}

/** A loaded model: pure and synchronous, built once at load; predict() allocates as little as it can. */
export interface LearnedClassifierModel {
  /** e.g. `complexity-v1+<first 12 hex of the weights' sha256>`, for logs and /admin/route. */
  readonly version: string;
  predict(body: Readonly<Record<string, unknown>>): LearnedPrediction;
}

/** One labelled training or evaluation example: a request body and its label. */
export interface TrainingExample {
  readonly body: Readonly<Record<string, unknown>>;
  readonly label: Complexity;
}
