import t from 'tap';
import type { OutlierConfig } from '../config/types.js';
import { maxEjected, OutlierDetector, type OutlierTarget } from './outlier.js';

const CONFIG: OutlierConfig = { consecutiveFailures: 3, baseEjectionMs: 10_000, maxEjectionMs: 25_000, maxEjectedPercent: 50 };

function target(): OutlierTarget {
  return { outlier: { consecutiveFailures: 0, ejectedUntil: 0, ejections: 0, decayFrom: 0 } };
}

function setup(config: Partial<OutlierConfig> = {}, poolSize = 4) {
  const clock = { now: 1_000_000 };
  const detector = new OutlierDetector({ ...CONFIG, ...config }, () => clock.now);
  const pool = Array.from({ length: poolSize }, target);
  /** Fails `replica` n times; true if any of them ejected. */
  const fail = (replica: OutlierTarget, n: number): boolean => {
    let ejected = false;
    for (let i = 0; i < n; i++) ejected = detector.recordFailure(replica, pool) || ejected;
    return ejected;
  };
  return { clock, detector, pool, fail, first: pool[0] as OutlierTarget };
}

t.test('ejects after consecutiveFailures in a row, not before', async (t) => {
  const { detector, fail, first, clock } = setup();
  t.equal(fail(first, 2), false);
  t.equal(detector.isEjected(first), false);
  t.equal(fail(first, 1), true, 'third failure ejects');
  t.equal(detector.isEjected(first), true);
  t.equal(first.outlier.ejectedUntil, clock.now + 10_000);
  t.equal(first.outlier.consecutiveFailures, 0, 'count starts over');
});

t.test('a success resets the consecutive count', async (t) => {
  const { detector, fail, first } = setup();
  fail(first, 2);
  detector.recordSuccess(first);
  t.equal(fail(first, 2), false);
  t.equal(fail(first, 1), true);
});

t.test('failures while ejected are ignored and do not extend the ejection', async (t) => {
  const { detector, fail, first } = setup();
  fail(first, 3);
  const until = first.outlier.ejectedUntil;
  t.equal(fail(first, 5), false);
  t.equal(first.outlier.ejectedUntil, until);
  t.equal(first.outlier.ejections, 1);
  t.equal(detector.isEjected(first), true);
});

t.test('the replica returns when the clock passes ejectedUntil', async (t) => {
  const { detector, fail, first, clock } = setup();
  fail(first, 3);
  clock.now += 9_999;
  t.equal(detector.isEjected(first), true);
  clock.now += 1;
  t.equal(detector.isEjected(first), false);
});

t.test('a flapping replica is ejected for longer each time, up to the cap', async (t) => {
  const { fail, first, clock } = setup();
  // Each row: fail right after the previous ejection ended; the ejection lasts base × ejections.
  for (const expected of [10_000, 20_000, 25_000, 25_000]) {
    t.equal(fail(first, 3), true);
    t.equal(first.outlier.ejectedUntil - clock.now, expected, `lasts ${expected}ms`);
    clock.now = first.outlier.ejectedUntil;
  }
});

t.test('the multiplier decays by one per baseEjectionMs after an ejection ends', async (t) => {
  // Ejected twice (10 s then 20 s); then it behaves for `quiet` ms before three failures again.
  const cases = [
    { quiet: 0, ejections: 3, lasts: 25_000 },
    { quiet: 9_999, ejections: 3, lasts: 25_000 },
    { quiet: 10_000, ejections: 2, lasts: 20_000 },
    { quiet: 25_000, ejections: 1, lasts: 10_000 },
    { quiet: 1_000_000, ejections: 1, lasts: 10_000 },
  ];
  for (const { quiet, ejections, lasts } of cases) {
    const { fail, first, clock } = setup();
    fail(first, 3);
    clock.now = first.outlier.ejectedUntil;
    fail(first, 3);
    clock.now = first.outlier.ejectedUntil + quiet;
    t.equal(fail(first, 3), true);
    t.equal(first.outlier.ejections, ejections, `after ${quiet}ms quiet: ejection #${ejections}`);
    t.equal(first.outlier.ejectedUntil - clock.now, lasts);
  }
});

t.test('decay is counted from the ejection end and keeps its remainder', async (t) => {
  const { detector, fail, first, clock } = setup();
  fail(first, 3);
  const end = first.outlier.ejectedUntil;
  t.equal(first.outlier.decayFrom, end);
  clock.now = end + 15_000;
  detector.recordSuccess(first);
  t.equal(first.outlier.ejections, 0);
  t.equal(first.outlier.decayFrom, end + 10_000);
});

t.test('at most maxEjectedPercent of the pool is ejected at once', async (t) => {
  const { detector, fail, pool } = setup({ maxEjectedPercent: 50 }, 4);
  const [a, b, c, d] = pool as [OutlierTarget, OutlierTarget, OutlierTarget, OutlierTarget];
  t.equal(fail(a, 3), true);
  t.equal(fail(b, 3), true);
  t.equal(fail(c, 3), false, 'a third of four would exceed 50%');
  t.equal(detector.isEjected(c), false);
  t.equal(c.outlier.consecutiveFailures, 3, 'the count is kept');
  t.equal(fail(d, 3), false);
});

t.test('a replica held back by the cap is ejected on its next failure once room frees up', async (t) => {
  const { detector, fail, pool, clock } = setup({ maxEjectedPercent: 25 }, 4);
  const [a, b] = pool as [OutlierTarget, OutlierTarget];
  fail(a, 3);
  t.equal(fail(b, 3), false);
  clock.now = a.outlier.ejectedUntil;
  t.equal(fail(b, 1), true);
  t.equal(detector.isEjected(b), true);
});

t.test('single-replica pool: ejected only at 100%', async (t) => {
  for (const [percent, ejects] of [
    [50, false],
    [99, false],
    [100, true],
  ] as const) {
    const { detector, fail, first } = setup({ maxEjectedPercent: percent }, 1);
    t.equal(fail(first, 3), ejects, `${percent}%`);
    t.equal(detector.isEjected(first), ejects);
  }
});

t.test('maxEjected: rounded down, at least one in pools of two or more, 0% turns ejection off', async (t) => {
  const cases: [size: number, percent: number, max: number][] = [
    [4, 50, 2],
    [4, 10, 1],
    [2, 10, 1],
    [10, 10, 1],
    [10, 35, 3],
    [3, 100, 3],
    [5, 0, 0],
    [1, 50, 0],
    [1, 100, 1],
    [0, 50, 0],
  ];
  for (const [size, percent, max] of cases) t.equal(maxEjected(size, percent), max, `${size} replicas at ${percent}%`);
});
