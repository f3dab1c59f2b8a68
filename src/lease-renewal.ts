// A claim kept in a shared store as a lease: renewed three times a lease while its holder runs, up to
// a deadline, so a holder whose router died loses it within a lease. A renewal that fails is not
// retried before the next: at worst the claim lapses, and another router does the work too. The
// response cache's leader (src/cache/single-flight.ts) and idempotency's running request
// (src/idempotency/guard.ts) hold theirs this way.

/** Renews every leaseMs / 3 until `until` (on `now`'s clock); the returned function stops it. */
export function keepLease(leaseMs: number, until: number, now: () => number, renew: (at: number, ttlMs: number) => Promise<unknown>): () => void {
  const timer = setInterval(() => {
    const at = now();
    if (at >= until) clearInterval(timer);
    else renew(at, Math.ceil(Math.min(leaseMs, until - at))).catch(() => {});
  }, leaseMs / 3);
  timer.unref();
  return () => clearInterval(timer);
}
