import t from 'tap';
import { serializeWeights } from './model-file.js';
import { modelFromWeights } from './model.js';
import { TEST_EXAMPLES } from './test-support.js';
import { trainModel } from './train.js';

t.test('training twice on the same examples gives byte-identical weights', async (t) => {
  const first = serializeWeights(trainModel(TEST_EXAMPLES, { textBits: 12, contextBits: 8 }));
  const second = serializeWeights(trainModel(TEST_EXAMPLES, { textBits: 12, contextBits: 8 }));
  t.equal(first, second);
});

t.test('the examples and the options change the weights', async (t) => {
  const base = serializeWeights(trainModel(TEST_EXAMPLES, { textBits: 12, contextBits: 8 }));
  t.not(serializeWeights(trainModel(TEST_EXAMPLES.slice(1), { textBits: 12, contextBits: 8 })), base);
  t.not(serializeWeights(trainModel(TEST_EXAMPLES, { textBits: 12, contextBits: 8, l2: 0.01 })), base);
});

t.test('the trained model separates the examples it was trained on', async (t) => {
  const model = modelFromWeights(trainModel(TEST_EXAMPLES, { textBits: 12, contextBits: 8 }));
  const classes = ['simple', 'moderate', 'complex'];
  for (const example of TEST_EXAMPLES) {
    const p = model.predict(example.body).probabilities;
    t.equal(classes[p.indexOf(Math.max(...p))], example.label, JSON.stringify(example.body).slice(0, 60));
    t.ok(Math.abs(p[0] + p[1] + p[2] - 1) < 1e-9, 'probabilities sum to 1');
  }
});

t.test('the summary records the class counts and every option', async (t) => {
  const weights = trainModel(TEST_EXAMPLES, { textBits: 12, contextBits: 8, epochs: 3 });
  t.strictSame(weights.training.examples, [7, 6, 7]);
  t.equal(weights.training.options.epochs, 3);
  t.equal(weights.weights.length, ((1 << 12) + (1 << 8) + weights.spec.dense.length) * 3);
});
