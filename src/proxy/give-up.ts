// How a request that got no answer ends: the error the client gets once the router gives up on its
// attempts, or the client's own leaving. One place, so every way out of the attempt loop says the same.
import { RouterError } from '../openai/errors.js';
import type { AbortSwitch } from './abort-switch.js';
import { ClientGone } from './request-lifetime.js';

/** The client left before anything was committed: the abort's own reason. */
export function clientGone(abort: AbortSwitch): ClientGone {
  return abort.reason instanceof ClientGone ? abort.reason : new ClientGone();
}

/** Why the request's lifetime ended: the client left, or its deadline passed (then a final error). */
export function abortReason(abort: AbortSwitch, attempts: number): Error {
  const reason: unknown = abort.reason;
  if (reason instanceof ClientGone) return reason;
  return finalError(reason instanceof RouterError ? reason : null, attempts);
}

/**
 * The error the client gets once the router has given up. Its own retries are spent, so a 5xx says
 * `x-should-retry: false` (the SDKs would otherwise multiply the load); a replica's Retry-After is
 * passed on.
 */
export function finalError(failure: RouterError | null, attempts: number): RouterError {
  const error = failure ?? new RouterError('no_replica', 'No replica is available to serve this request.');
  const headers: Record<string, string> = {};
  if (error.status >= 500 && attempts > 0) headers['x-should-retry'] = 'false';
  if (error.retryAfterMs !== null) headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
  return Object.keys(headers).length === 0 ? error : error.withHeaders(headers);
}
