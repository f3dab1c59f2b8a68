// One Idempotency-Key's record and the three moves on it, as pure functions: the memory store applies
// them as they are, and the Redis store's Lua scripts (redis-scripts.ts) do the same steps atomically,
// so store.contract.test.ts can hold both to one behaviour. A record is `pending` while its first
// request runs (a lease its router renews, up to that request's deadline, so a router that died frees
// the key within a lease), then `done` with the answer to replay until the TTL. A record past its
// expiry is no record.

/** An answer kept for replay: the status, and the bytes the replay is made from (see stored-answer.ts). */
export interface StoredAnswer {
  readonly status: number;
  readonly bytes: Buffer;
}

export interface PendingRecord {
  readonly state: 'pending';
  /** The request's fingerprint (fingerprint.ts): a retry must match it. */
  readonly fingerprint: string;
  /** Who runs it: `<router>:<claim n>:<request id>`, one per claim. Only the owner may finish or abandon. */
  readonly owner: string;
  readonly expiresAt: number;
}

export interface DoneRecord {
  readonly state: 'done';
  readonly fingerprint: string;
  readonly answer: StoredAnswer;
  /** When the answer was stored (the replay's `age`). */
  readonly storedAt: number;
  readonly expiresAt: number;
}

export type IdempotencyRecord = PendingRecord | DoneRecord;

/** What a claim found. */
export type Claim =
  /** No live record: this request now owns the key and runs. */
  | { readonly kind: 'claimed' }
  /** The key was used with another request body. */
  | { readonly kind: 'mismatch' }
  /** The same request is running elsewhere; its record expires at `expiresAt` at the latest. */
  | { readonly kind: 'pending'; readonly expiresAt: number }
  /** The same request has finished: replay its answer. */
  | { readonly kind: 'done'; readonly answer: StoredAnswer; readonly storedAt: number };

export interface ClaimInput {
  readonly fingerprint: string;
  readonly owner: string;
  readonly now: number;
  /** How long a pending record lives unless renewed (guard.ts: a lease, at most the request's deadline and a margin). */
  readonly pendingTtlMs: number;
}

/** The record as of `now`: null when there is none or it has expired. */
export function live(record: IdempotencyRecord | null | undefined, now: number): IdempotencyRecord | null {
  return record === null || record === undefined || record.expiresAt <= now ? null : record;
}

/** A claim's outcome, and the record to keep (the same object when nothing changes). */
export function claim(current: IdempotencyRecord | null, input: ClaimInput): { readonly outcome: Claim; readonly next: IdempotencyRecord | null } {
  const record = live(current, input.now);
  if (record === null) {
    const next: PendingRecord = { state: 'pending', fingerprint: input.fingerprint, owner: input.owner, expiresAt: input.now + input.pendingTtlMs };
    return { outcome: CLAIMED, next };
  }
  if (record.fingerprint !== input.fingerprint) return { outcome: MISMATCH, next: record };
  if (record.state === 'pending') return { outcome: { kind: 'pending', expiresAt: record.expiresAt }, next: record };
  return { outcome: { kind: 'done', answer: record.answer, storedAt: record.storedAt }, next: record };
}

/** The owner's answer becomes the key's, kept `ttlMs`; null (nothing changes) when `owner` no longer holds a live pending record. */
export function finish(current: IdempotencyRecord | null, owner: string, answer: StoredAnswer, now: number, ttlMs: number): DoneRecord | null {
  const record = live(current, now);
  if (record?.state !== 'pending' || record.owner !== owner) return null;
  return { state: 'done', fingerprint: record.fingerprint, answer, storedAt: now, expiresAt: now + ttlMs };
}

/** The owner's pending record, kept `leaseMs` from `now`; null (nothing changes) when `owner` no longer holds a live pending record. */
export function renew(current: IdempotencyRecord | null, owner: string, now: number, leaseMs: number): PendingRecord | null {
  const record = live(current, now);
  if (record?.state !== 'pending' || record.owner !== owner) return null;
  return { ...record, expiresAt: now + leaseMs };
}

/** Whether `owner` may drop the key (its request failed in a way a retry should run again). */
export function mayAbandon(current: IdempotencyRecord | null, owner: string, now: number): boolean {
  const record = live(current, now);
  return record?.state === 'pending' && record.owner === owner;
}

const CLAIMED: Claim = { kind: 'claimed' };
const MISMATCH: Claim = { kind: 'mismatch' };
