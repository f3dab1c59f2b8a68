// Identical concurrent cacheable requests wait for the first instead of all reaching the GPU. In this
// router, a map from request key to the running leader; across routers, a lock in the store
// (SET NX with the leader's id, expiring with the request deadline). A follower looks the entry up
// again when the leader is done, or, for a leader on another router, polls with jittered backoff
// (25 ms doubling to 250 ms), each poll a lookup and a claim in one store call. A leader that failed releases its lock and one follower takes over:
// followers never inherit the leader's error. A leader whose complete answer may not be kept (a
// filtered or cut answer, one over the size bound) lets this router's followers all run at once: an
// answer that is never stored cannot be shared, and taking over one by one only queued identical
// requests behind each other (each waited for every one before it). Across routers the leader leaves
// its lock marked `unkept` for a moment (UNKEPT_MARK_MS, longer than a poll) instead of deleting it,
// so followers polling from other routers run at once too, as do requests that find the mark.
// Nobody waits past lockWaitMs or its own deadline; then it runs uncoordinated. A claim in a shared
// store is a lease (LEASE_MS), renewed while its leader runs: a leader whose router died holds its
// identical requests on other routers back for a lease at most, not for its whole request deadline.
import { performance } from 'node:perf_hooks';
import { ChurnMap } from '../churn-map.js';
import { keepLease } from '../lease-renewal.js';
import type { AbortSwitch } from '../proxy/abort-switch.js';
import { ClientGone } from '../proxy/request-lifetime.js';
import type { CacheEntry } from './entry.js';
import type { CacheStore } from './store.js';

export interface FlightRequest {
  readonly store: CacheStore;
  readonly hash: string;
  /** This request's id in the lock: `<routerId>:<requestId>`. */
  readonly owner: string;
  /** The request deadline: a claim this request leads is renewed until then at most. */
  readonly lockTtlMs: number;
  /** How long this request may wait for another's answer. */
  readonly waitMs: number;
  readonly abort: AbortSwitch;
}

export type Flight =
  /** The entry, found at once (`waited` false) or after waiting for a leader. */
  | { readonly kind: 'hit'; readonly entry: CacheEntry; readonly waited: boolean }
  /** This request computes the answer; `release` once it is stored (or there is nothing to store). */
  | LeadFlight
  /** Waited as long as allowed, or the last answer was not kept: compute without coordination. */
  | { readonly kind: 'alone'; readonly waited: boolean };

/**
 * How a leader ended, for the requests waiting on it here: `stored` (look the entry up), `failed` (one
 * takes over), `unkept` (its answer may not be stored: every one runs on its own).
 */
export type FlightEnd = 'stored' | 'failed' | 'unkept';

export interface LeadFlight {
  readonly kind: 'lead';
  readonly waited: boolean;
  /** Lets waiting requests go (told how this one ended: `failed` unless said) and gives the claim up. */
  release(end?: Exclude<FlightEnd, 'stored'>): Promise<void>;
  /**
   * Stores the answer and gives the claim up in one store call (one Redis round trip), then lets
   * waiting requests go. If it rejects, nothing was let go: call release().
   */
  storeAndRelease(entry: CacheEntry, ttlMs: number): Promise<void>;
  /** For a store in this process (readLocal): the caller stored the answer; waiting requests go and look it up. */
  releaseStored(): void;
}

/** How long a claim in a shared store outlives its last renewal: a dead leader's is taken over after this. */
export const LEASE_MS = 10_000;
const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 250;
/** How long a lock reads `unkept` after its leader's answer was not kept: a few polls, no more. */
export const UNKEPT_MARK_MS = 4 * MAX_POLL_MS;

export class SingleFlight {
  /** One entry per leading miss (a ChurnMap: see churn-map.ts). */
  private readonly leaders = new ChurnMap<string, Leader>();

  constructor(
    private readonly random: () => number = Math.random,
    private readonly leaseMs = LEASE_MS,
  ) {}

  /** Rejects with the abort's reason when the request is aborted while waiting, and with a store's error. */
  join(request: FlightRequest): Promise<Flight> {
    const running = this.leaders.get(request.hash);
    const deadline = performance.now() + request.waitMs;
    return running === undefined ? Promise.resolve(this.start(request, deadline, false)) : this.follow(request, running, deadline);
  }

  /**
   * join(), decided at once without a promise when there is nothing to wait for or ask: the store is in
   * this process and no request of this router computes the answer (a hit, or this request leads).
   * Null otherwise: then join().
   */
  joinAtOnce(request: FlightRequest): Flight | null {
    return request.store.readLocal === undefined || this.leaders.has(request.hash) ? null : this.startHere(request, false);
  }

  /** Nobody here computes it: a store in this process answers here; a shared store is asked (lead()). */
  private start(request: FlightRequest, deadline: number, waited: boolean): Flight | Promise<Flight> {
    return request.store.readLocal === undefined ? this.lead(request, deadline, waited) : this.startHere(request, waited);
  }

  /**
   * On a store in this process: its entry is served at once; without one this request leads, as there
   * is nobody else to claim it from.
   */
  private startHere(request: FlightRequest, waited: boolean): Flight {
    const { store, hash } = request;
    const entry = store.readLocal?.(hash) ?? null;
    if (entry !== null) return { kind: 'hit', entry, waited };
    const leader = new Leader(this.leaders, request, waited);
    this.leaders.set(hash, leader);
    return leader;
  }

  /** A request of this router computes it: its answer may be stored already, else wait for it. */
  private async follow(request: FlightRequest, leader: Leader, deadline: number): Promise<Flight> {
    const { store, hash, abort } = request;
    // Waited only once it has waited for a leader: an entry found by the first lookup was no wait.
    let waited = false;
    for (let running: Leader | undefined = leader; ; running = this.leaders.get(hash)) {
      if (running === undefined) return this.start(request, deadline, waited);
      const entry = await store.get(hash);
      if (entry !== null) return { kind: 'hit', entry, waited };
      waited = true;
      const end = await until(running.ended(), deadline, abort);
      if (end === null || end === 'unkept') return { kind: 'alone', waited: true };
    }
  }

  /**
   * Leads in this router (local followers wait on it from the start, so its lookup is the only one);
   * across routers, finds the entry, leads, or polls for the other leader's answer.
   */
  private async lead(request: FlightRequest, deadline: number, waitedBefore: boolean): Promise<Flight> {
    const { store, hash, owner, abort } = request;
    const leader = new Leader(this.leaders, request, waitedBefore);
    this.leaders.set(hash, leader);
    const lease = Math.min(request.lockTtlMs, this.leaseMs);
    const leading = (waited: boolean): Flight => {
      leader.waited = waited;
      leader.keepClaim(this.leaseMs);
      return leader;
    };
    // Another router's leader just ended with an answer not kept: nothing to wait for, here either.
    const unkept = (waited: boolean): Flight => {
      leader.releaseHere('unkept');
      return { kind: 'alone', waited };
    };
    let waited = waitedBefore;
    try {
      const found = await store.getOrLock(hash, owner, lease);
      if (found === true) return leading(waited);
      if (found === 'unkept') return unkept(waited);
      if (found !== false) {
        leader.releaseHere();
        return { kind: 'hit', entry: found, waited };
      }
      for (let pollMs = FIRST_POLL_MS; ; pollMs = Math.min(MAX_POLL_MS, pollMs * 2)) {
        waited = true;
        const jittered = pollMs * (0.5 + this.random() / 2);
        if ((await until(null, Math.min(deadline, performance.now() + jittered), abort)) === null && performance.now() >= deadline) {
          leader.releaseHere();
          return { kind: 'alone', waited: true };
        }
        // One call, the lookup and the claim together: asked apart, the other leader could store its
        // answer and let go between them, and this request would claim and compute it a second time.
        const polled = await store.getOrLock(hash, owner, lease);
        if (polled === 'unkept') return unkept(true);
        if (polled === true) return leading(waited);
        if (polled !== false) {
          leader.releaseHere();
          return { kind: 'hit', entry: polled, waited };
        }
      }
    } catch (thrown) {
      leader.releaseHere();
      // A claim the store did not confirm (a command timed out on a stalled Redis) may still be made when
      // the store catches up, and would hold identical requests back for lockWaitMs. Given up here:
      // the owner's unlock goes on the same connection, so it runs after that claim, if it runs at all.
      store.unlock(hash, owner).catch(() => {});
      throw thrown;
    }
  }
}

/**
 * This router's request computing an answer, as the identical requests here see it. Its end is a
 * promise only once a follower asks for one: most leaders have no followers, and a promise, its
 * resolver and the closures around them were a leader's cost on every miss.
 */
class Leader implements LeadFlight {
  readonly kind = 'lead';
  private end: FlightEnd | null = null;
  private ending: Promise<FlightEnd> | null = null;
  private resolveEnding: ((end: FlightEnd) => void) | null = null;
  /** Stops renewing a claim in a shared store (keepLease); null when nothing renews it. */
  private stopRenewal: (() => void) | null = null;

  constructor(
    private readonly leaders: ChurnMap<string, Leader>,
    private readonly request: FlightRequest,
    public waited: boolean,
  ) {}

  /** How it ended, for a follower: resolves when it does. */
  ended(): Promise<FlightEnd> {
    if (this.end !== null) return Promise.resolve(this.end);
    return (this.ending ??= new Promise<FlightEnd>((resolve) => (this.resolveEnding = resolve)));
  }

  /** Keeps a claim in a shared store as a lease (keepLease) until the request's deadline (lockTtlMs): its own end releases it before then. */
  keepClaim(leaseMs: number): void {
    const { store, hash, owner, lockTtlMs } = this.request;
    if (store.renew === undefined || lockTtlMs <= leaseMs) return;
    const renew = store.renew.bind(store);
    this.stopRenewal = keepLease(
      leaseMs,
      performance.now() + lockTtlMs,
      () => performance.now(),
      (_at, ttlMs) => renew(hash, owner, ttlMs),
    );
  }

  /** Lets this router's followers go (the first end said is the one they get) and leaves the leaders. */
  releaseHere(end: FlightEnd = 'failed'): void {
    this.stopRenewal?.();
    this.stopRenewal = null;
    const { leaders } = this;
    const { hash } = this.request;
    if (leaders.get(hash) === this) leaders.delete(hash);
    if (this.end !== null) return;
    this.end = end;
    this.resolveEnding?.(end);
  }

  async release(end: Exclude<FlightEnd, 'stored'> = 'failed'): Promise<void> {
    this.releaseHere(end);
    const { store, hash, owner } = this.request;
    if (end === 'unkept') await store.unlockUnkept(hash, owner, UNKEPT_MARK_MS);
    else await store.unlock(hash, owner);
  }

  releaseStored(): void {
    this.releaseHere('stored');
  }

  async storeAndRelease(entry: CacheEntry, ttlMs: number): Promise<void> {
    const { store, hash, owner } = this.request;
    await store.setAndUnlock(hash, entry, ttlMs, owner);
    this.releaseHere('stored');
  }
}

/**
 * Resolves with how `event` ended when it does (null: never), null at `deadline` (performance.now());
 * rejects with the abort's reason when the request is aborted first.
 */
function until(event: Promise<FlightEnd> | null, deadline: number, abort: AbortSwitch): Promise<FlightEnd | null> {
  if (abort.aborted) return Promise.reject(abort.reason ?? new ClientGone());
  const left = deadline - performance.now();
  if (left <= 0) return Promise.resolve(null);
  return new Promise<FlightEnd | null>((resolve, reject) => {
    const finish = (): void => {
      clearTimeout(timer);
      abort.off('abort', onAbort);
    };
    const onAbort = (): void => {
      finish();
      reject(abort.reason ?? new ClientGone());
    };
    const timer = setTimeout(() => {
      finish();
      resolve(null);
    }, left);
    abort.once('abort', onAbort);
    event?.then((end) => {
      finish();
      resolve(end);
    }, onAbort);
  });
}
