// Which failed attempts may be tried again elsewhere, which count against a replica's health, and
// how long to wait before the next attempt.
import type { RetryConfig } from '../config/types.js';
import type { RouterError } from '../openai/errors.js';

/** Worth another replica: the failure was the replica's, not the request's. */
export function isRetryable(error: RouterError): boolean {
  switch (error.kind) {
    case 'upstream_unreachable':
    case 'upstream_timeout':
    case 'upstream_error':
    case 'upstream_overloaded':
    case 'upstream_misconfigured':
      return true;
    case 'upstream_rejected':
      return error.status === 429;
    default:
      return false;
  }
}

/**
 * Counts toward outlier ejection: connect errors, resets, timeouts, 5xx answers, TGI's 424 and an
 * engine's failure reported inside a stream. A 429 or an "overloaded" answer is load, not failure:
 * the replica is healthy and busy, and ejecting it would push its load onto the others. The caller's
 * mistakes (4xx, a validation error event) never count.
 */
export function isReplicaFailure(error: RouterError): boolean {
  return error.kind === 'upstream_unreachable' || error.kind === 'upstream_timeout' || error.kind === 'upstream_error';
}

/** Full-jitter exponential backoff before retry number `retry` (1 = the first retry). */
export function backoffMs(retry: number, config: Pick<RetryConfig, 'backoffBaseMs' | 'backoffMaxMs'>, random: () => number): number {
  const ceiling = Math.min(config.backoffMaxMs, config.backoffBaseMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/** Retry-After as seconds or an HTTP date, in ms from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text === '') return null;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : null;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}

/**
 * The longest wait an engine's hint may impose: a replica cools for it and clients are told it, so an
 * absurd value (99999999999999999999 s) would take the replica out until a restart and overflow
 * clients' timers. Past it the replica is simply tried again, and cools again if still busy.
 */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * A retry hint in an answer's headers, in ms: `retry-after-ms` (Azure OpenAI's, honoured by the OpenAI
 * and Anthropic SDKs: anthropics/anthropic-sdk-typescript src/client.ts @bfa9197f) before `retry-after`.
 */
export function retryAfterOf(headers: Readonly<Record<string, string | string[] | undefined>>, now: number): number | null {
  const ms = headers['retry-after-ms'];
  const text = Array.isArray(ms) ? ms[0] : ms;
  if (text !== undefined && text !== '') {
    const value = Number(text);
    if (Number.isFinite(value) && value >= 0) return Math.min(value, MAX_RETRY_AFTER_MS);
  }
  return parseRetryAfter(headers['retry-after'], now);
}
