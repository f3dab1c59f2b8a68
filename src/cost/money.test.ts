import t from 'tap';
import { formatUsd, nanoToUsd, usdToNano } from './money.js';

t.test('nano-USD as exact decimal text', async (t) => {
  t.strictSame([0, 1, 1500, 100_000, 1_000_000_000, 2_500_000_001, 12_345_678_900, -1500].map(formatUsd), [
    '0',
    '0.000000001',
    '0.0000015',
    '0.0001',
    '1',
    '2.500000001',
    '12.3456789',
    '-0.0000015',
  ]);
});

t.test('decimal USD to nano-USD and back', async (t) => {
  t.strictSame([0.1, 0.3, 5, 0.000000001, 9_000_000].map(usdToNano), [100_000_000, 300_000_000, 5_000_000_000, 1, 9_000_000_000_000_000]);
  t.equal(nanoToUsd(1500), 0.0000015);
});

t.test('never exponent notation nor NaN text: amounts past $9M or not finite are clamped to the largest exact one', async (t) => {
  t.equal(formatUsd(1e30), '9007199.254740991');
  t.equal(formatUsd(Number.POSITIVE_INFINITY), '9007199.254740991');
  t.equal(formatUsd(Number.NaN), '0');
  t.equal(formatUsd(0.4), '0');
});
