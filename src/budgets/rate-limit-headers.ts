// OpenAI's rate-limit headers, from a key's standing: x-ratelimit-limit-*, -remaining-* and -reset-*
// for requests (per minute) and tokens (the limited token period closest to running out).
import type { UsageSnapshot } from './types.js';

export function rateLimitHeaders(snapshot: UsageSnapshot, now: number): Record<string, string> {
  const headers: Record<string, string> = {};
  const requests = snapshot.requests;
  if (requests !== null && requests.limit !== null) {
    headers['x-ratelimit-limit-requests'] = String(requests.limit);
    headers['x-ratelimit-remaining-requests'] = String(requests.remaining ?? 0);
    headers['x-ratelimit-reset-requests'] = duration(requests.resetAt - now);
  }
  let tightest = null;
  for (const period of snapshot.tokens) {
    if (period.limit === null || period.remaining === null) continue;
    if (tightest === null || period.remaining < (tightest.remaining ?? Infinity)) tightest = period;
  }
  if (tightest !== null) {
    headers['x-ratelimit-limit-tokens'] = String(tightest.limit);
    headers['x-ratelimit-remaining-tokens'] = String(tightest.remaining);
    if (tightest.resetAt !== null) headers['x-ratelimit-reset-tokens'] = duration(tightest.resetAt - now);
  }
  return headers;
}

/** OpenAI's duration format: `20ms`, `1s`, `6m0s`, `2h13m0s`. */
export function duration(ms: number): string {
  const clamped = Math.max(0, Math.ceil(ms));
  if (clamped < 1000) return `${clamped}ms`;
  const total = Math.ceil(clamped / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}
