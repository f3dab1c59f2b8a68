// Fitting the learned classifier: multinomial logistic regression (3 classes, L2, class-balanced)
// by stochastic gradient descent over sparse hashed features. Deterministic by construction: the
// examples are visited in an order drawn from a fixed-seed generator, the arithmetic is plain IEEE
// doubles in a fixed order, and the stored weights are rounded to float32; the same examples give
// byte-identical weights on every run.
import { COMPLEXITIES } from '../classification.js';
import type { TrainingExample } from './contract.js';
import { FeatureBuffer, groupValue } from './feature-buffer.js';
import { defaultFeatureSpec, denseOffset, HASHED_GROUPS, rowCount, type FeatureSpec } from './feature-layout.js';
import { extractFeatures } from './features.js';
import { WEIGHTS_VERSION, type ModelWeights, type TrainOptions } from './weights.js';

/**
 * Chosen by leave-one-source-out over the corpus (never the dev set): l2 from 1e-5 to 3e-2, epochs
 * 5 to 30, learning rate 0.1 to 0.5, 2^15 to 2^17 text buckets, group scales. From 1e-3 up, l2
 * changes little; 2^15 buckets do as well as more and keep the file small. The heuristic's signals
 * are off: they gained under a point of accuracy and tripled predict()'s time (about 20 µs of
 * regexes per request); the cheap shapes counted by the n-gram loop stay.
 *
 * Tried again by leave-one-source-out (pooled accuracy at the thresholds the evaluation recommends,
 * each at the heuristic weight from 0.3 to 0.8 that suits it best; these options: 72.4%, 71.9% at
 * 0.5): each source's total weight made equal (73.2%), by its square root (72.6%), capped at 200
 * items (72.9%); each language's classes weighted alike (70.7%; 73.6% with equal sources); l2 3e-3
 * and 1e-2 (72.2%, 72.2%); 4 epochs (72.7%); character n-grams at 0.5 or 0.25 of the words' scale,
 * or off (72.2%, 71.6%, 70.4%); every hashed group at 0.1–0.3 of its scale (71.5–72.2%; the dense
 * features alone 72.0%, though the model alone reads 68.5% against 66.2%); the first and last words
 * off (72.2%); the last turn's n-grams left out of 30% or 60% of the steps (72.2%, 70.5%). None
 * gained a point over 72.4% without losing on the held-out set (equal sources: 67.0% against
 * 68.5%), so the options stay. What helped was a feature, the layout of a turn that brings its own
 * text (features.ts, layoutShape): 74.1% at weight 0.6 (complex→small 20.6%, simple→large 9.0%,
 * 39.7% of traffic on the large tier; held-out set 70.4%); sample weights on top of it gained under
 * half a point.
 */
export const DEFAULT_TRAIN_OPTIONS: TrainOptions = Object.freeze({
  epochs: 12,
  l2: 1e-3,
  learningRate: 0.5,
  classBalance: true,
  textBits: 15,
  contextBits: 13,
  groupScales: Object.freeze([1, 1, 0.5, 0.7, 0.5, 0.5]),
  signals: false,
});

/** One example as training reads it: sparse rows with their values, and its class. */
export interface SparseExample {
  readonly rows: Int32Array;
  readonly values: Float64Array;
  readonly label: number;
}

/** An example's features merged by row (a row hit twice gets the sum), rows ascending. */
export function sparseFeatures(
  body: Readonly<Record<string, unknown>>,
  spec: FeatureSpec,
  buffer: FeatureBuffer,
  scratch: Float64Array,
): { rows: Int32Array; values: Float64Array } {
  extractFeatures(body, spec, buffer);
  const touched: number[] = [];
  const add = (row: number, value: number) => {
    if (value === 0) return;
    if (scratch[row] === 0) touched.push(row);
    scratch[row] = (scratch[row] ?? 0) + value;
  };
  const values = HASHED_GROUPS.map((_, group) => groupValue(spec, buffer, group));
  for (let i = 0; i < buffer.length; i++) add(buffer.rows[i] ?? 0, values[buffer.groups[i] ?? 0] ?? 0);
  const offset = denseOffset(spec);
  for (let j = 0; j < buffer.dense.length; j++) add(offset + j, buffer.dense[j] ?? 0);
  const rows = Int32Array.from(touched).sort();
  const out = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    out[i] = scratch[row] ?? 0;
    scratch[row] = 0;
  });
  return { rows, values: out };
}

export function featurize(examples: readonly TrainingExample[], spec: FeatureSpec): SparseExample[] {
  const buffer = new FeatureBuffer();
  const scratch = new Float64Array(rowCount(spec));
  return examples.map((example) => ({ ...sparseFeatures(example.body, spec, buffer, scratch), label: COMPLEXITIES.indexOf(example.label) }));
}

export function trainModel(examples: readonly TrainingExample[], options: Partial<TrainOptions> = {}): ModelWeights {
  const resolved: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  const spec = defaultFeatureSpec({ textBits: resolved.textBits, contextBits: resolved.contextBits, groupScales: resolved.groupScales, signals: resolved.signals });
  return trainOnFeatures(featurize(examples, spec), spec, resolved);
}

/** The SGD itself, on features already extracted (evaluation re-uses them across folds). */
export function trainOnFeatures(data: readonly SparseExample[], spec: FeatureSpec, options: TrainOptions): ModelWeights {
  const rows = rowCount(spec);
  const counts: [number, number, number] = [0, 0, 0];
  for (const example of data) counts[example.label] = (counts[example.label] ?? 0) + 1;
  const classWeight = counts.map((n) => (options.classBalance && n > 0 ? data.length / (3 * n) : 1));

  // w = scale · v: the L2 shrink of every weight at every step is one multiplication of `scale`.
  const v = new Float64Array(rows * 3);
  let scale = 1;
  const { l2, learningRate } = options;
  const random = xorshift32(0x5eed);
  const order = data.map((_, i) => i);
  let t = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffle(order, random);
    for (const index of order) {
      const example = data[index];
      if (example === undefined) continue;
      const eta = learningRate / (1 + learningRate * l2 * t++);
      scale *= 1 - eta * l2;
      if (scale < 1e-6) {
        for (let i = 0; i < v.length; i++) v[i] = v[i]! * scale;
        scale = 1;
      }
      const { rows: r, values } = example;
      let z0 = 0;
      let z1 = 0;
      let z2 = 0;
      for (let k = 0; k < r.length; k++) {
        const base = r[k]! * 3;
        const x = values[k]!;
        z0 += x * v[base]!;
        z1 += x * v[base + 1]!;
        z2 += x * v[base + 2]!;
      }
      const p = softmax(z0 * scale, z1 * scale, z2 * scale);
      const step = (eta * classWeight[example.label]!) / scale;
      const g0 = step * (p[0] - (example.label === 0 ? 1 : 0));
      const g1 = step * (p[1] - (example.label === 1 ? 1 : 0));
      const g2 = step * (p[2] - (example.label === 2 ? 1 : 0));
      for (let k = 0; k < r.length; k++) {
        const base = r[k]! * 3;
        const x = values[k]!;
        v[base] = v[base]! - g0 * x;
        v[base + 1] = v[base + 1]! - g1 * x;
        v[base + 2] = v[base + 2]! - g2 * x;
      }
    }
  }
  const weights = new Float32Array(rows * 3);
  for (let i = 0; i < weights.length; i++) weights[i] = v[i]! * scale;
  return { version: WEIGHTS_VERSION, spec, training: { examples: counts, options: { ...options, groupScales: [...options.groupScales] } }, weights };
}

export function softmax(a: number, b: number, c: number): [number, number, number] {
  const top = Math.max(a, b, c);
  const ea = Math.exp(a - top);
  const eb = Math.exp(b - top);
  const ec = Math.exp(c - top);
  const sum = ea + eb + ec;
  return [ea / sum, eb / sum, ec / sum];
}

/** A fixed-seed generator (Marsaglia's xorshift32): the same order on every run and machine. */
function xorshift32(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x100000000;
  };
}

function shuffle(items: number[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = items[i] ?? 0;
    items[i] = items[j] ?? 0;
    items[j] = a;
  }
}
