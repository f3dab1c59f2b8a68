// predict() has the n-gram loop sum the last turn's row weights as it finds them (FeatureBuffer.table)
// instead of storing the rows: its probabilities must be, bit for bit, those of the plain sum over
// the stored rows, checked on every request of the committed corpus and held-out set.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { FeatureBuffer, groupValue } from './feature-buffer.js';
import { denseOffset, HASHED_GROUPS } from './feature-layout.js';
import { extractFeatures } from './features.js';
import { DEFAULT_MODEL_FILE, parseWeights } from './model-file.js';
import { modelFromWeights } from './model.js';
import { softmax, trainModel } from './train.js';
import { TEST_EXAMPLES } from './test-support.js';
import { readTrainingSet } from './training-set.js';
import type { ModelWeights } from './weights.js';

const FILES = ['../../../data/complexity/corpus.jsonl', '../../../data/complexity/heldout.jsonl'].map((path) => fileURLToPath(new URL(path, import.meta.url)));

/** The model's probabilities the plain way: one sum per group over the rows, in order; then values, dense features, softmax. */
function reference(weights: ModelWeights, body: Readonly<Record<string, unknown>>): readonly number[] {
  const { spec, weights: table } = weights;
  const buffer = new FeatureBuffer();
  extractFeatures(body, spec, buffer);
  const sums = new Float64Array(HASHED_GROUPS.length * 3);
  for (let i = 0; i < buffer.length; i++) for (let k = 0; k < 3; k++) sums[buffer.groups[i]! * 3 + k] = sums[buffer.groups[i]! * 3 + k]! + table[buffer.rows[i]! * 3 + k]!;
  const z = [0, 0, 0];
  for (let g = 0; g < HASHED_GROUPS.length; g++) for (let k = 0; k < 3; k++) z[k]! += groupValue(spec, buffer, g) * sums[g * 3 + k]!;
  const offset = denseOffset(spec);
  buffer.dense.forEach((x, j) => {
    if (x !== 0) for (let k = 0; k < 3; k++) z[k]! += x * table[(offset + j) * 3 + k]!;
  });
  return softmax(z[0]!, z[1]!, z[2]!);
}

t.test('predict() gives the plain row sums’ probabilities, bit for bit', async (t) => {
  const weights = existsSync(DEFAULT_MODEL_FILE) ? parseWeights(readFileSync(DEFAULT_MODEL_FILE, 'utf8')) : trainModel(TEST_EXAMPLES);
  const model = modelFromWeights(weights);
  const bodies = [
    ...TEST_EXAMPLES.map((example) => example.body),
    ...FILES.filter((file) => existsSync(file)).flatMap((file) => readTrainingSet(file).map((example) => example.body)),
  ];
  let differ = 0;
  for (const body of bodies) {
    const got = model.predict(body).probabilities;
    const want = reference(weights, body);
    if (got[0] !== want[0] || got[1] !== want[1] || got[2] !== want[2]) differ++;
  }
  t.equal(differ, 0, `${bodies.length} requests`);
});
