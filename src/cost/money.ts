// Money as integer nano-USD (1e-9 USD). Integers add exactly, in JavaScript and in Redis's Lua doubles
// alike, up to 2^53 nano-USD (about $9M); a price of $0.10 per million tokens is 100 nano-USD a token.
// Decimal USD exists only at the edges: router.yaml, headers, JSON and metrics.

export const NANO_PER_USD = 1_000_000_000;

/** Decimal USD to nano-USD, rounded to the nearest billionth. */
export function usdToNano(usd: number): number {
  return Math.round(usd * NANO_PER_USD);
}

/** Nano-USD as a decimal USD number (for JSON and metrics; may round in the last digits above $9M). */
export function nanoToUsd(nano: number): number {
  return nano / NANO_PER_USD;
}

/** Nano-USD as exact decimal text without trailing zeros: 1500 → "0.0000015", 2e9 → "2", 0 → "0"; at most 2^53 - 1, NaN as 0. */
export function formatUsd(nano: number): string {
  const sign = nano < 0 ? '-' : '';
  // Past 2^53 the digits are not exact and String() turns to exponent notation: a header never says 1e+21.
  const abs = Number.isNaN(nano) ? 0 : Math.min(Math.abs(Math.round(nano)), Number.MAX_SAFE_INTEGER);
  const whole = Math.floor(abs / NANO_PER_USD);
  const fraction = abs % NANO_PER_USD;
  if (fraction === 0) return `${sign}${whole}`;
  return `${sign}${whole}.${String(fraction).padStart(9, '0').replace(/0+$/, '')}`;
}
