import t, { type Test } from 'tap';
import type { Complexity } from './classification.js';
import { evaluate, type Outcome } from './evaluate.js';

const close = (t: Test, actual: number, expected: number) => t.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≈ ${expected}`);
const o = (label: Complexity, predicted: Complexity): Outcome => ({ label, predicted });

// A hand-made set of 10: simple 4 (3 right, 1 → complex), moderate 3 (2 right, 1 → simple),
// complex 3 (1 right, 1 → moderate, 1 → simple).
const SET: readonly Outcome[] = [
  o('simple', 'simple'),
  o('simple', 'simple'),
  o('simple', 'simple'),
  o('simple', 'complex'),
  o('moderate', 'moderate'),
  o('moderate', 'moderate'),
  o('moderate', 'simple'),
  o('complex', 'complex'),
  o('complex', 'moderate'),
  o('complex', 'simple'),
];

t.test('confusion matrix, accuracy and per-class scores', async (t) => {
  const result = evaluate(SET);
  t.equal(result.total, 10);
  t.same(result.confusion, {
    simple: { simple: 3, moderate: 0, complex: 1 },
    moderate: { simple: 1, moderate: 2, complex: 0 },
    complex: { simple: 1, moderate: 1, complex: 1 },
  });
  t.equal(result.accuracy, 0.6);
  // simple: precision 3/5, recall 3/4 → F1 2/3; moderate: 2/3, 2/3 → 2/3; complex: 1/2, 1/3 → 0.4.
  t.match(result.perClass.simple, { support: 4, precision: 0.6, recall: 0.75 });
  close(t, result.perClass.simple.f1, 2 / 3);
  close(t, result.perClass.moderate.f1, 2 / 3);
  close(t, result.perClass.complex.f1, 0.4);
  close(t, result.macroF1, (2 / 3 + 2 / 3 + 0.4) / 3);
});

t.test('routing errors and cost with the default route (simple, moderate → small; complex → large)', async (t) => {
  const result = evaluate(SET);
  t.same(result.underRouted, { count: 2, of: 3, share: 2 / 3 }, 'complex predicted simple or moderate');
  t.same(result.overRouted, { count: 1, of: 4, share: 0.25 }, 'simple predicted complex');
  // Predicted: 2 complex (large, 10) + 8 small (1) = 28 → 2.8 per request; labels: 3 × 10 + 7 = 37.
  t.same(result.cost, { predicted: 2.8, labelled: 3.7, baseline: 10 });
  close(t, result.saving, 0.72);
});

t.test('route and prices are inputs', async (t) => {
  const threeTiers = evaluate(SET, { simple: 'tiny', moderate: 'mid', complex: 'big' }, { tiny: 1, mid: 3, big: 9 });
  // complex → moderate is now also under-routing (mid is cheaper than big); simple → complex is over-routing.
  t.equal(threeTiers.underRouted.count, 2);
  t.equal(threeTiers.overRouted.count, 1);
  // tiny 4 × 1 + mid 3 × 3 + big 3 × 9... by prediction: simple 5, moderate 3, complex 2 → 5 + 9 + 18 = 32.
  t.equal(threeTiers.cost.predicted, 3.2);
  t.equal(threeTiers.cost.baseline, 9);
  const sameTier = evaluate(SET, { simple: 'one', moderate: 'one', complex: 'one' }, { one: 5 });
  t.equal(sameTier.underRouted.count, 0, 'one tier: nothing is under-routed');
  t.equal(sameTier.saving, 0);
  t.throws(() => evaluate(SET, { simple: 'small', moderate: 'small', complex: 'huge' }, { small: 1 }), /no valid price for tier "huge"/);
});

t.test('an empty set and a perfect set', async (t) => {
  const empty = evaluate([]);
  t.equal(empty.accuracy, 0);
  t.equal(empty.macroF1, 0);
  t.same(empty.cost, { predicted: 0, labelled: 0, baseline: 0 });
  t.equal(empty.saving, 0);
  const perfect = evaluate(SET.map(({ label }) => o(label, label)));
  t.equal(perfect.accuracy, 1);
  t.equal(perfect.macroF1, 1);
  t.equal(perfect.cost.predicted, perfect.cost.labelled);
});
