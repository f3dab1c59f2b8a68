// The data of API keys and their budgets, shared by both stores and by the router. All times are epoch
// milliseconds on the clock the caller passes as `now`, so stores and tests never read the clock themselves.

import type { DeclaredKeyConfig, KeyLimitsConfig } from '../config/types.js';

/** A budget period. minute/day/month are calendar-aligned UTC buckets; lifetime never resets. */
export type Period = 'minute' | 'day' | 'month' | 'lifetime';

export const PERIODS: readonly Period[] = ['minute', 'day', 'month', 'lifetime'];

/** Each limit is a positive integer, or null for unlimited (the same shape router.yaml declares). */
export type KeyLimits = KeyLimitsConfig;

export const UNLIMITED: KeyLimits = {
  tokensPerMinute: null,
  tokensPerDay: null,
  tokensPerMonth: null,
  tokensLifetime: null,
  requestsPerMinute: null,
  maxConcurrent: null,
  usdPerDay: null,
  usdPerMonth: null,
  usdLifetime: null,
};

/**
 * A client key as stored: never the secret, only its SHA-256 and a short visible prefix. The fields
 * are those router.yaml declares (id, name, hash, prefix, enabled, models, tiers,
 * maxTokensPerRequest, limits, metadata); the id names the key's Redis hash tag (see isKeyId).
 */
export interface KeyRecord extends DeclaredKeyConfig {
  /** ISO-8601. */
  readonly createdAt: string;
  /** Keys from router.yaml are re-put on every load; admin keys live only in the store. */
  readonly source: 'admin' | 'config';
  /**
   * Random, set when the admin API creates the key and never changed: a key deleted and created again
   * with the same id is another owner of stored responses, idempotent answers and cache entries
   * (owner.ts). Absent from router.yaml's keys and from records written before it existed.
   */
  readonly generation?: string;
}

/** The calendar buckets a reservation was made in: its tokens are charged there, whenever it settles. */
export interface BucketIds {
  readonly minute: string;
  readonly day: string;
  readonly month: string;
}

export interface Reservation {
  readonly id: string;
  readonly keyId: string;
  /** Tokens granted by reserve(); top-ups are tracked by the store, which releases the grown amount. */
  readonly tokens: number;
  /** Nano-USD granted by reserve() (0 when nothing was reserved in dollars); top-ups as for tokens. */
  readonly nanoUsd: number;
  readonly buckets: BucketIds;
  /** After this the reservation may be reclaimed by any router (its owner is presumed dead). */
  readonly expiresAt: number;
}

/**
 * One period of one key, in tokens or (for dollar budgets) in nano-USD. `remaining` = limit - used -
 * reserved, floored at 0; null when unlimited.
 */
export interface PeriodUsage {
  readonly period: Period;
  readonly limit: number | null;
  readonly used: number;
  readonly reserved: number;
  readonly remaining: number | null;
  /** When the bucket rolls over; null for lifetime. */
  readonly resetAt: number | null;
}

export interface RequestUsage {
  readonly limit: number | null;
  /** Requests admitted in the current minute. */
  readonly used: number;
  readonly remaining: number | null;
  readonly resetAt: number;
}

export interface ConcurrencyUsage {
  readonly limit: number | null;
  /** Reservations neither settled nor reclaimed. */
  readonly active: number;
  readonly remaining: number | null;
}

/**
 * A key's standing. From usage(): every period. In a reserve() outcome: only the limited ones
 * (unlimited token periods left out, requests/concurrency null when unlimited), for rate-limit headers.
 */
export interface UsageSnapshot {
  readonly tokens: readonly PeriodUsage[];
  /** Dollar periods in nano-USD: day, month and lifetime (there is no per-minute dollar limit). */
  readonly usd: readonly PeriodUsage[];
  readonly requests: RequestUsage | null;
  readonly concurrency: ConcurrencyUsage | null;
}

/**
 * quota and tokens_per_minute: the period's used tokens plus this request exceed its limit (spent).
 * in_flight: they would fit, but the reservations of requests still in flight take the rest; those
 * settle soon (usually for less than they hold), so a retry in a moment may pass.
 */
export type RejectReason = 'requests_per_minute' | 'tokens_per_minute' | 'concurrency' | 'quota' | 'in_flight' | 'disabled' | 'unknown_key';

/** What a limit counts: quota and in_flight refusals name it. */
export type LimitUnit = 'tokens' | 'usd';

export interface ReserveRejected {
  readonly ok: false;
  readonly reason: RejectReason;
  /** tokens, or usd for a dollar budget (then limit and remaining are in nano-USD). */
  readonly unit: LimitUnit;
  /** The period at fault: minute for the per-minute limits, day/month/lifetime for quota, any for in_flight, else null. */
  readonly period: Period | null;
  readonly limit: number | null;
  readonly remaining: number | null;
  /**
   * Until the minute ends for per-minute limits, a moment for in_flight; null when waiting will not
   * help soon (quota, concurrency).
   */
  readonly retryAfterMs: number | null;
}

export interface ReserveGranted {
  readonly ok: true;
  readonly reservation: Reservation;
  readonly snapshot: UsageSnapshot;
}

export type ReserveOutcome = ReserveGranted | ReserveRejected;

/** Ids go inside Redis hash tags (`sy:{id}:…`), so braces and separators are not allowed. */
export function isKeyId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(id);
}

/** The order listKeys() returns: oldest first, ties by id. */
export function compareKeys(a: KeyRecord, b: KeyRecord): number {
  return a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}
