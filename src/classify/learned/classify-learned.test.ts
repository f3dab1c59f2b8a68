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

t.test("the heuristic's vote: blended into the probabilities by its weight, asked only when it could change the class", async (t) => {
  // 0.5 × [0.6, 0.3, 0.1] + 0.5 × [0.1, 0.1, 0.8] = [0.35, 0.2, 0.45]: complex at complexFrom 0.4.
  const model = fixed([0.6, 0.3, 0.1], ['short']);
  const at = { complexFrom: 0.4, simpleFrom: 0.5 };
  let asked = 0;
  const says = (complexity: 'simple' | 'moderate' | 'complex') => ({ weight: 0.5, ask: () => (asked++, complexity) });
  t.strictSame(classifyLearned(body, model, at, says('complex')), { complexity: 'complex', score: 0.1, reasons: ['model', 'heuristic'] });
  t.strictSame(classifyLearned(body, model, at, says('simple')), { complexity: 'simple', score: 0.1, reasons: ['model', 'short'] });
  // [0.35, 0.55, 0.1] is moderate with a moderate vote, complex with a complex one: the vote is asked for.
  t.strictSame(classifyLearned(body, fixed([0.35, 0.55, 0.1], ['words']), at, says('moderate')), { complexity: 'moderate', score: 0.1, reasons: ['model', 'words'] });
  t.equal(asked, 3, 'asked each time its vote could change the class');
  // A model sure enough that no vote changes the class: the heuristic is not asked. (At complexFrom
  // 0.5 a complex vote alone gives P(complex) 0.4 + half the model's: [0.95, 0.03, 0.02] → 0.41.)
  const even = { complexFrom: 0.5, simpleFrom: 0.5 };
  t.strictSame(classifyLearned(body, fixed([0.02, 0.03, 0.95], ['code']), even, says('simple')), { complexity: 'complex', score: 0.95, reasons: ['model', 'code'] });
  t.strictSame(classifyLearned(body, fixed([0.95, 0.03, 0.02], ['short']), even, says('complex')), { complexity: 'simple', score: 0.02, reasons: ['model', 'short'] });
  t.equal(asked, 3, 'not asked when the class is the same whatever it says');
  t.strictSame(
    classifyLearned(body, model, at, { weight: 0, ask: () => t.fail('never asked at weight 0') as never }),
    classifyLearned(body, model, at),
    'weight 0 is the model alone',
  );
});
