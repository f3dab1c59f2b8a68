import t from 'tap';
import { bucketEnd, bucketIds, bucketOf, periodEnd } from './periods.js';
import type { Period } from './types.js';

const at = (iso: string): number => Date.parse(iso);

t.test('bucket ids are UTC calendar slices of the instant', async (t) => {
  const cases: [string, { minute: string; day: string; month: string }][] = [
    ['2024-02-29T23:59:59.999Z', { minute: '2024-02-29T23:59', day: '2024-02-29', month: '2024-02' }],
    ['2024-03-01T00:00:00.000Z', { minute: '2024-03-01T00:00', day: '2024-03-01', month: '2024-03' }],
    ['2023-12-31T23:59:30.000Z', { minute: '2023-12-31T23:59', day: '2023-12-31', month: '2023-12' }],
    ['1970-01-01T00:00:00.000Z', { minute: '1970-01-01T00:00', day: '1970-01-01', month: '1970-01' }],
  ];
  for (const [iso, ids] of cases) t.same(bucketIds(at(iso)), ids, iso);
  t.equal(bucketOf('lifetime', bucketIds(0)), 'lifetime');
  t.equal(bucketOf('day', bucketIds(at('2024-05-06T07:08:09Z'))), '2024-05-06');
});

t.test('bucket ends: minute and day lengths, month lengths and leap years', async (t) => {
  const cases: [Period, string, string][] = [
    ['minute', '2024-02-29T23:59', '2024-03-01T00:00:00.000Z'],
    ['minute', '2024-05-06T07:08', '2024-05-06T07:09:00.000Z'],
    ['day', '2023-12-31', '2024-01-01T00:00:00.000Z'],
    ['day', '2024-02-28', '2024-02-29T00:00:00.000Z'],
    ['month', '2024-01', '2024-02-01T00:00:00.000Z'],
    ['month', '2024-02', '2024-03-01T00:00:00.000Z'], // leap year: 29 days
    ['month', '2023-02', '2023-03-01T00:00:00.000Z'], // 28 days
    ['month', '2000-02', '2000-03-01T00:00:00.000Z'], // divisible by 400: leap
    ['month', '2100-02', '2100-03-01T00:00:00.000Z'], // divisible by 100 only: not leap
    ['month', '2024-04', '2024-05-01T00:00:00.000Z'], // 30 days
    ['month', '2024-12', '2025-01-01T00:00:00.000Z'], // year rolls over
  ];
  for (const [period, id, end] of cases) t.equal(bucketEnd(period, id), at(end), `${period} ${id}`);
  t.equal(bucketEnd('month', '2024-02')! - at('2024-02-01T00:00:00Z'), 29 * 86_400_000);
  t.equal(bucketEnd('month', '2023-02')! - at('2023-02-01T00:00:00Z'), 28 * 86_400_000);
  t.equal(bucketEnd('lifetime', 'lifetime'), null);
});

t.test('period end of an instant is the end of the bucket it falls in', async (t) => {
  const now = at('2024-02-29T12:34:56.789Z');
  t.equal(periodEnd('minute', now), at('2024-02-29T12:35:00Z'));
  t.equal(periodEnd('day', now), at('2024-03-01T00:00:00Z'));
  t.equal(periodEnd('month', now), at('2024-03-01T00:00:00Z'));
  t.equal(periodEnd('lifetime', now), null);
  // The last millisecond of a bucket still belongs to it; the next one starts a new bucket.
  t.equal(periodEnd('minute', at('2024-02-29T12:34:59.999Z')), at('2024-02-29T12:35:00Z'));
  t.equal(periodEnd('minute', at('2024-02-29T12:35:00.000Z')), at('2024-02-29T12:36:00Z'));
});

t.test('malformed bucket ids are refused', async (t) => {
  const cases: [Period, string][] = [
    ['minute', '2024-02-29'],
    ['day', '2023-02-29'], // not a date: 2023 is not a leap year
    ['day', '2024-13-01'],
    ['month', '2024-2'],
    ['month', '2024-00'],
  ];
  for (const [period, id] of cases) t.throws(() => bucketEnd(period, id), RangeError, `${period} ${id}`);
});
