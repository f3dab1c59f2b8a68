import t from 'tap';
import { EffectivePrice } from './effective-price.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** Prices to the nano-dollar: the division is floating point. */
const nano = (usd: number) => Math.round(usd * 1e9) / 1e9;

// $2/hour for each of 2 replicas over a one-hour window: $4 of GPU in the window.
const settings = { gpuUsdPerHour: 2, replicas: 2, outputInputCostRatio: 4, windowMs: HOUR };

t.test("GKE's formula over the window: $/output token = C / (P/k + O), $/input token = that / k", async (t) => {
  const price = new EffectivePrice(settings, 0);
  price.observe('a', 0, 0, 0);
  price.observe('b', 1_000, 500, 0);
  // Over the hour: replica a serves 4M prompt and 500k output tokens, b 2M and 500k more.
  price.observe('a', 4_000_000, 500_000, 30 * MINUTE);
  price.observe('b', 2_001_000, 500_500, 59 * MINUTE);
  // P = 6M, O = 1M: P/4 + O = 2.5M tokens of output-equivalent for $4 → $1.60 per million output, $0.40 per million input.
  const now = price.read(HOUR);
  t.equal(nano(now.outputUsdPerMillion), 1.6);
  t.equal(nano(now.inputUsdPerMillion), 0.4);
});

t.test('before the window has filled, the GPU cost is for the time observed', async (t) => {
  const price = new EffectivePrice(settings, 0);
  price.observe('a', 0, 0, 0);
  price.observe('a', 400_000, 150_000, 15 * MINUTE);
  // A quarter hour: C = $1; P/4 + O = 250k → $4 per million output.
  t.equal(nano(price.read(15 * MINUTE).outputUsdPerMillion), 4);
});

t.test('an engine restart (a counter that drops) counts the new value; the first sample is a baseline', async (t) => {
  const price = new EffectivePrice(settings, 0);
  price.observe('a', 9_000_000, 9_000_000, 0);
  price.observe('a', 9_100_000, 9_050_000, MINUTE);
  price.observe('a', 40_000, 10_000, 2 * MINUTE);
  // P = 100k + 40k, O = 50k + 10k: P/4 + O = 95k; C = $4 × 2/60 h.
  const now = price.read(2 * MINUTE);
  t.equal(nano(now.outputUsdPerMillion), nano((((4 * 2) / 60) * 1e6) / 95_000));
});

t.test('an idle window is NaN, not an absurd price; tokens older than the window leave it', async (t) => {
  const price = new EffectivePrice(settings, 0);
  price.observe('a', 0, 0, 0);
  price.observe('a', 4_000, 8_000, MINUTE);
  t.ok(Number.isNaN(price.read(MINUTE).outputUsdPerMillion), '1k + 8k < 10k tokens');
  price.observe('a', 4_000_000, 1_000_000, 2 * MINUTE);
  t.ok(Number.isFinite(price.read(2 * MINUTE).outputUsdPerMillion));
  price.observe('a', 4_000_000, 1_000_000, 2 * MINUTE + HOUR + MINUTE);
  t.ok(Number.isNaN(price.read(2 * MINUTE + HOUR + MINUTE).outputUsdPerMillion), 'an hour later, nothing served in the window');
});
