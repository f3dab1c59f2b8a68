// A request with an Idempotency-Key, from its claim to its record: begin → run → finish or abandon.
// While it runs, its pending record is a lease (LEASE_MS) this router renews up to the request's
// deadline: a retry sent to another router after this one died waits a lease at most, not the deadline.
// The first request with a key claims it and runs; a retry with the same body gets the stored answer;
// a duplicate sent while the first runs waits for it (polling the shared record, so it works across
// routers), and after idempotency.waitMs is told 409 with Retry-After; a retry with another body is a
// 422. The store failing is never the client's problem: the request then runs as if it had no key.
// A store call given up on may still run later: a Redis that stalls past the command timeout runs the
// commands its connection already carries when it resumes. So a failed claim (or finish) is followed
// by a let-go of the same owner's claim on the same connection, which Redis runs after the late
// command, if that runs at all; the owner is this claim's alone, so it never drops another's record.
import { performance } from 'node:perf_hooks';
import type { Waits } from '../observability/request-record.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { keepLease } from '../lease-renewal.js';
import type { Logger } from '../observability/logger.js';
import { RouterError } from '../openai/errors.js';
import type { AbortSwitch } from '../proxy/abort-switch.js';
import { ClientGone } from '../proxy/request-lifetime.js';
import type { IdempotencyMetrics, IdempotencyResult } from './metrics.js';
import type { StoredAnswer } from './record.js';
import type { IdempotencyStore } from './store.js';

export interface GuardSettings {
  readonly ttlMs: number;
  readonly waitMs: number;
  /** The longest a pending record lives: the request deadline and a margin for storing its answer. */
  readonly pendingTtlMs: number;
}

/** How long a pending record outlives its last renewal. */
export const LEASE_MS = 10_000;

export interface GuardDeps {
  readonly store: IdempotencyStore;
  readonly metrics: IdempotencyMetrics;
  readonly logger: Logger;
  /** This router, in the owner of its claims (`<routerId>:<n>:<requestId>`). */
  readonly routerId: string;
  readonly now?: () => number;
  readonly random?: () => number;
  /** LEASE_MS unless a test says otherwise. */
  readonly leaseMs?: number;
}

export interface BeginInput {
  /** idempotency-key's record id (fingerprint.ts idempotencyId). */
  readonly id: string;
  readonly fingerprint: string;
  readonly requestId: string;
  /** The request's lifetime: a client that leaves while it waits stops waiting. */
  readonly abort: AbortSwitch;
  /** Where the time spent waiting for a running first request is added. */
  readonly waits: Waits;
}

/** Run the request (with a ticket to record its end; null: the store is away, run without), or replay. */
export type Begun =
  | { readonly kind: 'run'; readonly ticket: Ticket | null }
  | { readonly kind: 'replay'; readonly answer: StoredAnswer; readonly storedAt: number; readonly result: 'replay' | 'waited' };

/** Polling a pending record: from 25 ms, doubling to 250 ms, jittered so waiters do not poll in step. */
const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 250;

const IN_USE_HEADERS = { 'retry-after': '1', 'retry-after-ms': '1000' } as const;
const NO_RETRY = { 'x-should-retry': 'false' } as const;

export class IdempotencyGuard {
  private readonly now: () => number;
  private readonly random: () => number;
  /** Numbers this router's claims: the request id is the client's x-request-id when it sent one, so it may repeat. */
  private claims = 0;

  constructor(private readonly deps: GuardDeps) {
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
  }

  /** Counts a request refused for its malformed key (key-header.ts threw). */
  countInvalid(): void {
    this.count('invalid');
  }

  /**
   * Claims the key, waiting for a running first request; throws the 409 or 422, or the abort's reason.
   * `settings` are read per request, so a reload changes them.
   */
  async begin(input: BeginInput, settings: GuardSettings): Promise<Begun> {
    const { store } = this.deps;
    const owner = `${this.deps.routerId}:${(++this.claims).toString(36)}:${input.requestId}`;
    const waitUntil = this.now() + settings.waitMs;
    let waited = false;
    for (let poll = FIRST_POLL_MS; ; poll = Math.min(MAX_POLL_MS, poll * 2)) {
      let claim;
      try {
        const ttl = store.shared ? Math.min(settings.pendingTtlMs, this.deps.leaseMs ?? LEASE_MS) : settings.pendingTtlMs;
        claim = await store.claim(input.id, input.fingerprint, owner, this.now(), ttl);
      } catch (error) {
        this.storeFailed('claim', error);
        this.count('unavailable');
        letGo(this.deps, input.id, owner, this.now());
        return { kind: 'run', ticket: null };
      }
      switch (claim.kind) {
        case 'claimed':
          this.count('new');
          return { kind: 'run', ticket: new Ticket(input.id, owner, settings, this.deps, this.now) };
        case 'done': {
          const result = waited ? 'waited' : 'replay';
          this.count(result);
          return { kind: 'replay', answer: claim.answer, storedAt: claim.storedAt, result };
        }
        case 'mismatch':
          this.count('mismatch');
          throw new RouterError(
            'idempotency_key_reused',
            `This Idempotency-Key was used with a different request (model, body or protocol headers) in the last ${describeMs(settings.ttlMs)}; send a new key for a new request.`,
            { headers: NO_RETRY },
          );
        case 'pending': {
          const left = waitUntil - this.now();
          if (left <= 0) throw this.inUse();
          waited = true;
          await this.pause(Math.min(left, poll * (0.5 + this.random() / 2)), input);
        }
      }
    }
  }

  private async pause(ms: number, { abort, waits }: BeginInput): Promise<void> {
    const from = performance.now();
    try {
      await sleep(ms, undefined, { signal: abort.signal });
    } catch {
      // This request's own deadline came while the first still ran (waitMs defaults to the deadline):
      // that is the 409's case, not a timeout of this request's generation, which never started.
      if (abort.reason instanceof RouterError && abort.reason.kind === 'generation_timeout') throw this.inUse();
      throw abort.reason ?? new ClientGone();
    } finally {
      waits.waitedMs += performance.now() - from;
    }
  }

  private inUse(): RouterError {
    this.count('in_use');
    return new RouterError('idempotency_key_in_use', 'A request with this Idempotency-Key is still being processed; retry after it has finished.', {
      headers: IN_USE_HEADERS,
    });
  }

  private count(result: IdempotencyResult): void {
    this.deps.metrics.requests.inc({ result });
  }

  private storeFailed(operation: string, error: unknown): void {
    this.deps.metrics.storeErrors.inc({ operation });
    this.deps.logger.warn({ err: error, operation }, 'idempotency store unavailable; the request runs without idempotency');
  }
}

/**
 * The claim of a running request: renewed while it runs, it ends by storing the answer or letting the
 * key go. Never throws.
 */
export class Ticket {
  private open = true;
  /** Stops renewing the claim as a lease (keepLease); null when nothing renews it. */
  private stopRenewal: (() => void) | null = null;
  private readonly ttlMs: number;

  constructor(
    private readonly id: string,
    private readonly owner: string,
    settings: Pick<GuardSettings, 'ttlMs' | 'pendingTtlMs'>,
    private readonly deps: GuardDeps,
    private readonly now: () => number,
  ) {
    this.ttlMs = settings.ttlMs;
    const leaseMs = deps.leaseMs ?? LEASE_MS;
    // Renewed until the deadline and its margin: its end stores the answer or lets the key go before then.
    if (deps.store.shared && settings.pendingTtlMs > leaseMs) {
      const { store } = deps;
      this.stopRenewal = keepLease(leaseMs, now() + settings.pendingTtlMs, now, (at, ttlMs) => store.renew(id, owner, at, ttlMs));
    }
  }

  /** Keeps `answer` for retries; null lets the key go, so a retry runs again. Only the first call counts. */
  async end(answer: StoredAnswer | null): Promise<void> {
    if (!this.open) return;
    this.open = false;
    this.stopRenewal?.();
    const operation = answer === null ? 'abandon' : 'finish';
    try {
      if (answer === null) await this.deps.store.abandon(this.id, this.owner, this.now());
      else await this.deps.store.finish(this.id, this.owner, answer, this.now(), this.ttlMs);
    } catch (error) {
      // A lost finish costs a retry a second run (the claim is let go; a finish that lands late
      // still keeps its answer, the let-go then finds no pending record); a lost abandon holds the key
      // until its pending record expires (the request deadline). Neither may fail a request that already answered.
      this.deps.metrics.storeErrors.inc({ operation });
      this.deps.logger.warn({ err: error, operation }, 'idempotency store unavailable; the record was not updated');
      if (answer !== null) letGo(this.deps, this.id, this.owner, this.now());
    }
  }
}

/**
 * Fire and forget: drops `owner`'s pending claim of `id` after a store call that failed or timed out.
 * Sent at once, so it follows that call on the store's connection (Redis runs one connection's
 * commands in order: a late claim is dropped, a late finish is kept since its record is no longer
 * pending). Not counted: the failure that called for it was. Its own failure changes nothing.
 */
function letGo(deps: GuardDeps, id: string, owner: string, now: number): void {
  deps.store.abandon(id, owner, now).then(
    (dropped) => {
      if (dropped) deps.logger.warn({ owner }, 'an idempotency claim given up on was written late; it was let go');
    },
    (error: unknown) => deps.logger.debug({ err: error, owner }, 'an idempotency claim given up on could not be let go'),
  );
}

/** "24 hours", "90 minutes", "30 seconds": the TTL as the 422's message states it (hours, as Stripe states its 24). */
export function describeMs(ms: number): string {
  for (const [unit, size] of UNITS) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return `${ms} ms`;
}

const UNITS: readonly (readonly [string, number])[] = [
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];
