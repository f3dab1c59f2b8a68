// evaluate(): the large tier's share of traffic; evaluateGroups() (per source, language, turns); evaluateConfusion().
import t from 'tap';
import type { Complexity } from './classification.js';
import { evaluate, evaluateConfusion, evaluateGroups, type Outcome } from './evaluate.js';

interface Grouped extends Outcome {
  readonly group: string;
}
const o = (group: string, label: Complexity, predicted: Complexity): Grouped => ({ group, label, predicted });

// b: simple→simple, complex→moderate (under-routed), moderate→complex; a: simple→complex (over-routed), complex→complex.
const SET: readonly Grouped[] = [
  o('b', 'simple', 'simple'),
  o('a', 'simple', 'complex'),
  o('b', 'complex', 'moderate'),
  o('a', 'complex', 'complex'),
  o('b', 'moderate', 'complex'),
];

t.test('toComplexTier: the items routed where complex requests go, out of all', async (t) => {
  t.strictSame(evaluate(SET).toComplexTier, { count: 3, of: 5, share: 0.6 });
  t.strictSame(
    evaluate(SET, { simple: 'one', moderate: 'big', complex: 'big' }, { one: 1, big: 2 }).toComplexTier,
    { count: 4, of: 5, share: 0.8 },
    'moderate shares the large tier under this route',
  );
  t.strictSame(evaluate([]).toComplexTier, { count: 0, of: 0, share: 0 });
});

t.test('evaluateGroups: one evaluation per group, in name order, exact', async (t) => {
  const groups = evaluateGroups(SET, (outcome) => outcome.group);
  t.strictSame(
    groups.map(([name]) => name),
    ['a', 'b'],
  );
  const [a, b] = groups.map(([, evaluation]) => evaluation);
  t.strictSame(
    [a?.total, a?.accuracy, a?.underRouted, a?.overRouted, a?.confusion],
    [
      2,
      0.5,
      { count: 0, of: 1, share: 0 },
      { count: 1, of: 1, share: 1 },
      {
        simple: { simple: 0, moderate: 0, complex: 1 },
        moderate: { simple: 0, moderate: 0, complex: 0 },
        complex: { simple: 0, moderate: 0, complex: 1 },
      },
    ],
  );
  t.strictSame([b?.total, b?.accuracy, b?.underRouted, b?.overRouted], [3, 1 / 3, { count: 1, of: 1, share: 1 }, { count: 0, of: 1, share: 0 }]);
  // b: simple P 1/1 R 1/1 → 1; moderate P 0 (0 of 1 predicted moderate right) → 0; complex P 0 → 0: macro-F1 1/3.
  t.equal(b?.macroF1, 1 / 3);
});

t.test('evaluateConfusion: the counts alone give the same evaluation', async (t) => {
  const route = { simple: 'one', moderate: 'mid', complex: 'big' };
  const prices = { one: 1, mid: 3, big: 7 };
  const direct = evaluate(SET, route, prices);
  t.strictSame(evaluateConfusion(direct.confusion, route, prices), direct);
  t.strictSame(evaluateConfusion(evaluate([]).confusion), evaluate([]));
});
