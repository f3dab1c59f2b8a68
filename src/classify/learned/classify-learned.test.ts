import t from 'tap';
import { classifyLearned } from './classify-learned.js';
import type { ClassProbabilities, LearnedClassifierModel } from './contract.js';
import { modelFromWeights } from './model.js';
import { TEST_EXAMPLES } from './test-support.js';
import { trainModel } from './train.js';

const fixed = (probabilities: ClassProbabilities, evidence: string[] = ['code', 'words', 'length']): LearnedClassifierModel => ({
  version: 'complexity-v1+test',
  predict: () => ({ probabilities, evidence }),
});
const body = { messages: [{ role: 'user', content: 'anything' }] };
const thresholds = { complexFrom: 0.3, simpleFrom: 0.5 };

t.test('the thresholds decide the class; the score is P(complex) to three decimals', async (t) => {
  t.strictSame(classifyLearned(body, fixed([0.1, 0.2, 0.7]), thresholds), { complexity: 'complex', score: 0.7, reasons: ['model', 'code', 'words'] });
  t.strictSame(classifyLearned(body, fixed([0.2, 0.7, 0.1]), thresholds), { complexity: 'moderate', score: 0.1, reasons: ['model', 'code', 'words'] });
  t.strictSame(classifyLearned(body, fixed([0.9, 0.05, 0.05], ['short']), thresholds), { complexity: 'simple', score: 0.05, reasons: ['model', 'short'] });
  t.equal(classifyLearned(body, fixed([0.2, 0.45678, 0.34322]), thresholds).score, 0.343);
});

t.test('when a threshold overrules the most probable class, the threshold is the reason', async (t) => {
  t.strictSame(classifyLearned(body, fixed([0.1, 0.55, 0.35]), thresholds), { complexity: 'complex', score: 0.35, reasons: ['model', 'threshold'] });
  t.strictSame(classifyLearned(body, fixed([0.45, 0.5, 0.05]), { complexFrom: 0.5, simpleFrom: 0.4 }), {
    complexity: 'simple',
    score: 0.05,
    reasons: ['model', 'threshold'],
  });
});

t.test('a trained model gives short ASCII reasons for the x-switchyard-reason header', async (t) => {
  const model = modelFromWeights(trainModel(TEST_EXAMPLES, { textBits: 12, contextBits: 8 }));
  for (const example of TEST_EXAMPLES) {
    const { reasons } = classifyLearned(example.body, model, { complexFrom: 0.5, simpleFrom: 0.5 });
    t.ok(reasons.length >= 1 && reasons.length <= 3);
    t.equal(reasons[0], 'model');
    for (const reason of reasons) t.match(reason, /^[a-z][a-z-]{0,15}$/);
  }
});
