// The budget arithmetic both stores share: which limit a reservation would break, and how raw counters
// become the snapshot and rejection the router shows clients. The Redis Lua scripts mirror `admit`
// (they must decide inside Redis); the contract tests keep the two in step.
import { bucketEnd, bucketIds, bucketOf, periodEnd } from './periods.js';
import { usdToNano } from '../cost/money.js';
import {
  PERIODS,
  isKeyId,
  type KeyLimits,
  type KeyRecord,
  type LimitUnit,
  type Period,
  type PeriodUsage,
  type RejectReason,
  type ReserveRejected,
  type UsageSnapshot,
} from './types.js';

/** Buckets outlive their period by this much, so late settles and reports still find them. */
export const BUCKET_GRACE_MS = 10 * 60_000;

/** How long a reclaimed reservation is remembered, so a late settle still charges its usage. */
export const RECLAIMED_RETENTION_MS = 24 * 3_600_000;

/** A key's raw counters at one instant: per period in tokens and in nano-USD, and in the current minute. */
export interface Counters {
  readonly used: Readonly<Record<Period, number>>;
  readonly reserved: Readonly<Record<Period, number>>;
  readonly usdUsed: Readonly<Record<Period, number>>;
  readonly usdReserved: Readonly<Record<Period, number>>;
  readonly requests: number;
  readonly active: number;
}

export interface Verdict {
  readonly reason: RejectReason;
  readonly period: Period | null;
  /** Which limit of the period: tokens unless said. */
  readonly unit?: LimitUnit;
}

/** What one request reserves or is charged: tokens, and nano-USD. */
export interface Amount {
  readonly tokens: number;
  readonly nanoUsd: number;
}

/** A period's dollar limit in nano-USD (config and records keep decimal USD); minutes have none. */
export function usdLimit(limits: KeyLimits, period: Period): number | null {
  const usd = period === 'day' ? limits.usdPerDay : period === 'month' ? limits.usdPerMonth : period === 'lifetime' ? limits.usdLifetime : null;
  return usd === null || usd === undefined ? null : usdToNano(usd);
}

/** One period's limit, usage and reservations in one unit. */
function standing(limits: KeyLimits, c: Counters, period: Period, unit: LimitUnit): { limit: number | null; used: number; reserved: number } {
  return unit === 'tokens'
    ? { limit: tokenLimit(limits, period), used: c.used[period], reserved: c.reserved[period] }
    : { limit: usdLimit(limits, period), used: c.usdUsed[period], reserved: c.usdReserved[period] };
}

const UNITS: readonly LimitUnit[] = ['tokens', 'usd'];

export function tokenLimit(limits: KeyLimits, period: Period): number | null {
  switch (period) {
    case 'minute':
      return limits.tokensPerMinute;
    case 'day':
      return limits.tokensPerDay;
    case 'month':
      return limits.tokensPerMonth;
    case 'lifetime':
      return limits.tokensLifetime;
  }
}

/** How long a request refused for reservations in flight is asked to wait: they settle as requests end. */
export const IN_FLIGHT_RETRY_MS = 1000;

/**
 * The first limit that admitting one more request of `amount` would break, or null to admit it. A
 * period that is spent (used + amount > limit), in tokens or dollars, is the answer before any that
 * is only held by reservations in flight: the refusal must say whether waiting can help.
 */
export function admit(limits: KeyLimits, c: Counters, amount: Amount): Verdict | null {
  if (limits.requestsPerMinute !== null && c.requests + 1 > limits.requestsPerMinute) {
    return { reason: 'requests_per_minute', period: 'minute' };
  }
  if (limits.maxConcurrent !== null && c.active + 1 > limits.maxConcurrent) return { reason: 'concurrency', period: null };
  for (const unit of UNITS) {
    const more = unit === 'tokens' ? amount.tokens : amount.nanoUsd;
    for (const period of PERIODS) {
      const { limit, used } = standing(limits, c, period, unit);
      if (limit !== null && used + more > limit) return { reason: period === 'minute' ? 'tokens_per_minute' : 'quota', period, unit };
    }
  }
  for (const unit of UNITS) {
    const more = unit === 'tokens' ? amount.tokens : amount.nanoUsd;
    for (const period of PERIODS) {
      const { limit, used, reserved } = standing(limits, c, period, unit);
      if (limit !== null && used + reserved + more > limit) return { reason: 'in_flight', period, unit };
    }
  }
  return null;
}

/** Whether `extra` more tokens and dollars fit in every limited period (tight-mode top-ups). */
export function fits(limits: KeyLimits, c: Counters, extra: Amount): boolean {
  return UNITS.every((unit) =>
    PERIODS.every((period) => {
      const { limit, used, reserved } = standing(limits, c, period, unit);
      return limit === null || used + reserved + (unit === 'tokens' ? extra.tokens : extra.nanoUsd) <= limit;
    }),
  );
}

export function rejection(verdict: Verdict, limits: KeyLimits | null, c: Counters | null, now: number): ReserveRejected {
  const { reason, period } = verdict;
  const unit = verdict.unit ?? 'tokens';
  let limit: number | null = null;
  let left: number | null = null;
  if (limits !== null && c !== null) {
    if (reason === 'requests_per_minute') [limit, left] = [limits.requestsPerMinute, remaining(limits.requestsPerMinute, c.requests)];
    else if (reason === 'concurrency') [limit, left] = [limits.maxConcurrent, remaining(limits.maxConcurrent, c.active)];
    else if (period !== null) {
      const now = standing(limits, c, period, unit);
      limit = now.limit;
      left = remaining(limit, now.used + now.reserved);
    }
  }
  // Waiting helps per-minute limits within the minute and reservations in flight within moments; a
  // spent day, month or lifetime budget is insufficient_quota.
  const perMinute = reason === 'requests_per_minute' || reason === 'tokens_per_minute';
  const retryAfterMs = perMinute ? (periodEnd('minute', now) ?? now) - now : reason === 'in_flight' ? IN_FLIGHT_RETRY_MS : null;
  return { ok: false, reason, unit, period, limit, remaining: left, retryAfterMs };
}

/** The snapshot of `c`; with `onlyLimited`, unlimited token periods are left out and the rest null. */
export function snapshot(limits: KeyLimits, c: Counters, now: number, onlyLimited: boolean): UsageSnapshot {
  const tokens = periods(limits, c, now, onlyLimited, 'tokens');
  const usd = periods(limits, c, now, onlyLimited, 'usd');
  const rpm = limits.requestsPerMinute;
  const requests = onlyLimited && rpm === null ? null : { limit: rpm, used: c.requests, remaining: remaining(rpm, c.requests), resetAt: periodEnd('minute', now) ?? now };
  const conc = limits.maxConcurrent;
  const concurrency = onlyLimited && conc === null ? null : { limit: conc, active: c.active, remaining: remaining(conc, c.active) };
  return { tokens, usd, requests, concurrency };
}

function periods(limits: KeyLimits, c: Counters, now: number, onlyLimited: boolean, unit: LimitUnit): PeriodUsage[] {
  const list: PeriodUsage[] = [];
  for (const period of PERIODS) {
    // Dollars have no per-minute limit: the minute's spend is not shown.
    if (unit === 'usd' && period === 'minute') continue;
    const { limit, used, reserved } = standing(limits, c, period, unit);
    if (onlyLimited && limit === null) continue;
    list.push({ period, limit, used, reserved, remaining: remaining(limit, used + reserved), resetAt: periodEnd(period, now) });
  }
  return list;
}

function remaining(limit: number | null, taken: number): number | null {
  return limit === null ? null : Math.max(0, limit - taken);
}

/** When the bucket `id` of `period` may be dropped; null = keep forever (lifetime). */
export function bucketExpiry(period: Period, id: string): number | null {
  const end = bucketEnd(period, id);
  return end === null ? null : end + BUCKET_GRACE_MS;
}

/** The current bucket id of each period at `now`, lifetime included. */
export function currentBuckets(now: number): Record<Period, string> {
  const ids = bucketIds(now);
  return { minute: ids.minute, day: ids.day, month: ids.month, lifetime: bucketOf('lifetime', ids) };
}

/** Refuses amounts that would corrupt counters: negative, fractional or non-finite. */
export function checkAmount(what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
}

export function checkReserve(tokens: number, ttlMs: number, nanoUsd = 0): void {
  checkAmount('tokens', tokens);
  checkAmount('nanoUsd', nanoUsd);
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive integer, got ${ttlMs}`);
}

/** Refuses records the stores could not keep safely (ids go into Redis key names, limits into counters). */
export function checkKey(key: KeyRecord): void {
  if (!isKeyId(key.id)) throw new RangeError(`invalid key id "${key.id}": use 1-64 of A-Z a-z 0-9 _ -`);
  if (!/^[0-9a-f]{64}$/.test(key.hash)) throw new RangeError(`key "${key.id}": hash must be a lowercase hex SHA-256`);
  for (const [name, limit] of Object.entries(key.limits) as [string, number | null | undefined][]) {
    if (limit === null || limit === undefined) continue;
    // Dollar limits are decimal USD; what must fit a counter is their nano-USD.
    if (name.startsWith('usd')) checkAmount(`key "${key.id}": limits.${name} in nano-USD`, Number.isFinite(limit) && limit >= 0 ? usdToNano(limit) : -1);
    else checkAmount(`key "${key.id}": limits.${name}`, limit);
  }
}
