// The cost/quality curve over the complex threshold, and the recommended thresholds.
import t from 'tap';
import type { Complexity } from '../classification.js';
import type { ClassProbabilities } from './contract.js';
import { costQualityCurve, recommendThresholds, thresholdSteps, type Scored } from './curve.js';

const s = (label: Complexity, probabilities: ClassProbabilities): Scored => ({ label, probabilities });

// Ten items; P(complex) spread so that each threshold moves a known item.
const SET: readonly Scored[] = [
  s('simple', [0.9, 0.05, 0.05]),
  s('simple', [0.7, 0.1, 0.2]),
  s('simple', [0.3, 0.1, 0.6]),
  s('moderate', [0.2, 0.7, 0.1]),
  s('moderate', [0.4, 0.5, 0.1]),
  s('moderate', [0.1, 0.5, 0.4]),
  s('complex', [0.05, 0.05, 0.9]),
  s('complex', [0.1, 0.2, 0.7]),
  s('complex', [0.2, 0.5, 0.3]),
  s('complex', [0.5, 0.4, 0.1]),
];

t.test('thresholdSteps: 0.05 … 0.95 without float drift', async (t) => {
  const steps = thresholdSteps(0.05);
  t.equal(steps.length, 19);
  t.equal(steps[0], 0.05);
  t.equal(steps[2], 0.15);
  t.equal(steps[18], 0.95);
});

t.test('exact points on a hand-made set (simpleFrom 0.5, default route)', async (t) => {
  const curve = costQualityCurve(SET, [0.25, 0.5, 0.65], 0.5);
  t.strictSame(
    curve.map((p) => [p.complexFrom, p.largeShare, p.complexToSmall, p.simpleToLarge, p.accuracy]),
    [
      // ≥0.25: items 3, 6, 7, 8, 9 complex → large 5/10; complex→small 1/4 (item 10); simple→large 1/3.
      // Right: s1, s2, m4, m5 (P(simple) 0.4 < 0.5 → moderate), c7, c8, c9 → 7 of 10.
      [0.25, 0.5, 0.25, 1 / 3, 0.7],
      // ≥0.5: items 3, 7, 8 complex; c9 → moderate, c10 → simple. Right: s1, s2, m4, m5, m6 (0.1 → moderate), c7, c8 → 7.
      [0.5, 0.3, 0.5, 1 / 3, 0.7],
      // ≥0.65: items 7, 8. s3 → P(simple) 0.3 → moderate (wrong). Right: s1, s2, m4, m5, m6, c7, c8 → 7.
      [0.65, 0.2, 0.5, 0, 0.7],
    ],
  );
});

t.test('monotone in the threshold: less to the large tier, more complex→small', async (t) => {
  // A larger pseudo-random set, fixed by a linear congruential generator.
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const labels: Complexity[] = ['simple', 'moderate', 'complex'];
  const set = Array.from({ length: 500 }, (_, i) => {
    const a = next(),
      b = next(),
      c = next();
    const sum = a + b + c;
    return s(labels[i % 3] ?? 'simple', [a / sum, b / sum, c / sum]);
  });
  const curve = costQualityCurve(set, thresholdSteps(0.05), 0.4);
  for (let i = 1; i < curve.length; i++) {
    const [before, after] = [curve[i - 1], curve[i]];
    if (before === undefined || after === undefined) continue;
    t.ok(after.largeShare <= before.largeShare, `large share at ${after.complexFrom}`);
    t.ok(after.complexToSmall >= before.complexToSmall, `complex→small at ${after.complexFrom}`);
    t.ok(after.simpleToLarge <= before.simpleToLarge, `simple→large at ${after.complexFrom}`);
  }
  t.ok((curve[0]?.largeShare ?? 0) > (curve.at(-1)?.largeShare ?? 1), 'and it does move');
});

t.test('recommendThresholds: the most accurate pair that meets the targets, else says which it misses', async (t) => {
  const met = recommendThresholds(SET, { accuracy: 0.6, complexToSmall: 0.25, simpleToLarge: 0.34 }, 0.05);
  t.equal(met.meetsTargets, true);
  t.ok(met.point.complexToSmall <= 0.25 && met.point.simpleToLarge <= 0.34 && met.point.accuracy >= 0.6);
  const strict = recommendThresholds(SET, { accuracy: 0.99, complexToSmall: 0, simpleToLarge: 0 }, 0.05);
  t.equal(strict.meetsTargets, false);
  t.strictSame(strict.missed.length > 0, true);
});

t.test('a floor (image, tools, …) lifts the decided class at every threshold, never lowers it', async (t) => {
  const set: Scored[] = [
    { label: 'complex', probabilities: [0.9, 0.05, 0.05], floor: 'complex' },
    { label: 'moderate', probabilities: [0.9, 0.05, 0.05], floor: 'moderate' },
    { label: 'simple', probabilities: [0.05, 0.05, 0.9], floor: 'simple' },
  ];
  t.strictSame(
    costQualityCurve(set, [0.5, 0.95], 0.5).map((p) => [p.largeShare, p.complexToSmall, p.simpleToLarge, p.accuracy]),
    [
      [2 / 3, 0, 1, 2 / 3],
      [1 / 3, 0, 0, 2 / 3], // the simple item, now under both thresholds, reads moderate
    ],
  );
});

t.test('recommendThresholds: when no pair meets the targets, the pair that misses them by the least in total', async (t) => {
  const targets = { accuracy: 0.95, complexToSmall: 0.1, simpleToLarge: 0.1 };
  const shortfall = (p: { accuracy: number; complexToSmall: number; simpleToLarge: number }) =>
    Math.max(0, targets.accuracy - p.accuracy) + Math.max(0, p.complexToSmall - targets.complexToSmall) + Math.max(0, p.simpleToLarge - targets.simpleToLarge);
  const chosen = recommendThresholds(SET, targets, 0.05);
  t.equal(chosen.meetsTargets, false);
  let least = Infinity;
  for (const simpleFrom of thresholdSteps(0.05)) for (const p of costQualityCurve(SET, thresholdSteps(0.05), simpleFrom)) least = Math.min(least, shortfall(p));
  t.equal(shortfall(chosen.point), least);
  t.ok(least < shortfall({ accuracy: 0.5, complexToSmall: 0, simpleToLarge: 1 }), 'not the pair that only minimises complex→small');
});
