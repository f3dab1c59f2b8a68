// A trained model as data: the feature layout it was trained with, what it was trained on, and its
// weights. train.ts makes it, model-file.ts writes and reads it, model.ts turns it into a predictor.
import type { FeatureSpec } from './feature-layout.js';

/** The file format's version; a file with another one is refused, not guessed at. */
export const WEIGHTS_VERSION = 1;

/** How the weights were fitted (hyperparameters), stored with them so a run can be repeated. */
export interface TrainOptions {
  /** Passes over the examples. */
  readonly epochs: number;
  /** L2 penalty per example (λ of λ/2·|w|² added to each example's loss). */
  readonly l2: number;
  /** Initial SGD step; it decays as η0 / (1 + η0·λ·t). */
  readonly learningRate: number;
  /** Weight each class by N / (3·N_class), so that the majority class does not set the prior. */
  readonly classBalance: boolean;
  readonly textBits: number;
  readonly contextBits: number;
  readonly groupScales: readonly number[];
  /** Whether the heuristic's signals are features (they cost most of predict()'s time). */
  readonly signals: boolean;
}

export interface TrainingSummary {
  /** Examples per class, COMPLEXITIES order. */
  readonly examples: readonly [simple: number, moderate: number, complex: number];
  readonly options: TrainOptions;
}

export interface ModelWeights {
  readonly version: typeof WEIGHTS_VERSION;
  readonly spec: FeatureSpec;
  readonly training: TrainingSummary;
  /** rowCount(spec) rows × 3 classes, row-major, rounded to float32. */
  readonly weights: Float32Array;
}
