// The router's side of keys and budgets, in front of the store: finding a key by its secret (with a
// short cache, since every request needs it), keeping router.yaml's declared keys in the store, and
// reserve / top-up / settle with the configured policy when the store cannot answer. Settles that
// fail are retried in the background, so a brief outage does not lose usage.
import type { BudgetsConfig, DeclaredKeyConfig } from '../config/types.js';
import type { Logger } from '../observability/logger.js';
import type { RouterMetrics } from '../observability/metrics.js';
import { hashKey } from './keys.js';
import { ownerScope } from './owner.js';
import { forgetKeySeries } from '../observability/series.js';
import { StoreUnavailableError, type BudgetStore } from './store.js';
import type { KeyRecord, Reservation, ReserveOutcome, UsageSnapshot } from './types.js';

/** How long a key looked up by its secret is trusted. Limits and `enabled` are re-read at every reserve. */
const KEY_CACHE_MS = 5_000;
/** How long a key read as disabled is trusted before it is read again. */
const DISABLED_CACHE_MS = 1_000;
const SETTLE_RETRY_MS = [500, 1_000, 2_000, 5_000, 10_000, 30_000];

export type KeyLookup = { readonly found: KeyRecord } | { readonly found: null } | { readonly unavailable: true };

export class BudgetService {
  private readonly cache = new Map<string, { readonly key: KeyRecord | null; readonly at: number }>();
  /**
   * The last snapshot seen per key, for budget-aware routing without another round trip; by owner scope,
   * so a key id deleted and created again (through another router) starts with none of the old key's.
   */
  private readonly standing = new Map<string, UsageSnapshot>();
  /** router.yaml's keys, so they can be written again if the store lost them. */
  private declared: readonly DeclaredKeyConfig[] = [];
  private syncing: Promise<void> | null = null;
  /** The sync asked last (settled or not, never rejecting): the next one runs after it. */
  private lastSync: Promise<void> = Promise.resolve();

  constructor(
    readonly store: BudgetStore,
    private config: BudgetsConfig,
    private readonly logger: Logger,
    private readonly metrics: RouterMetrics,
    private readonly now: () => number = Date.now,
  ) {}

  get settings(): BudgetsConfig {
    return this.config;
  }

  /** After a reload: the new settings (the store itself needs a restart to change). */
  configure(config: BudgetsConfig): void {
    this.config = config;
  }

  async lookup(secret: string): Promise<KeyLookup> {
    const hash = hashKey(secret);
    const cached = this.cache.get(hash);
    // A disabled key is kept a second only: enabling it through another router works within one, as
    // disabling does at once (the reservation re-reads it), instead of after the cache's 5 s; and a
    // client hammering with it costs the store a read a second, not one a request.
    if (cached !== undefined && this.now() - cached.at < (cached.key?.enabled === false ? DISABLED_CACHE_MS : KEY_CACHE_MS)) return { found: cached.key };
    try {
      let key = await this.store.findKeyByHash(hash);
      // A declared key the store does not know: the store lost it (a Redis restart without
      // persistence, a flush). Write the declared keys again and look once more.
      if (key === null && this.declared.some((declared) => declared.hash === hash)) {
        await this.resyncDeclaredKeys();
        key = await this.store.findKeyByHash(hash);
      }
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(hash, { key, at: this.now() });
      return { found: key };
    } catch (error) {
      this.storeFailed('lookup', error);
      // A key seen recently is still trusted while the store is away.
      return cached === undefined ? { unavailable: true } : { found: cached.key };
    }
  }

  /** A key changed or went away through this router: forget it at once (and, for a reset or delete, its standing). */
  forget(hash: string, key?: KeyRecord): void {
    this.cache.delete(hash);
    if (key !== undefined) this.standing.delete(ownerScope(key));
  }

  /**
   * A key deleted (or taken out of router.yaml): its per-key series stop being exported here, so keys
   * made and deleted over time do not grow the scrape without bound. Other routers drop theirs at restart.
   */
  deleted(key: KeyRecord): void {
    this.forget(key.hash, key);
    forgetKeySeries(this.metrics.registry, key.id);
  }

  /** Writes the declared keys again (after a reconnect, or when one is missing); one sync at a time. */
  resyncDeclaredKeys(): Promise<void> {
    this.syncing ??= this.syncDeclaredKeys(this.declared)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'declared keys could not be stored yet'))
      .finally(() => {
        this.syncing = null;
      });
    return this.syncing;
  }

  /**
   * Refuses (throws, each message with its auth.keys path) declared keys whose id is taken by a key
   * created through the admin API: declaring one would silently take it over (its secret replaced, and
   * the key deleted when the entry leaves the file); and those whose hash is such a key's secret, which
   * the store refuses to put, so the reload would apply without them. Asked before a reload is applied; a store that
   * cannot be reached is not asked (the sync below leaves such keys alone anyway).
   */
  async checkDeclaredIds(keys: readonly DeclaredKeyConfig[]): Promise<void> {
    let existing: readonly KeyRecord[];
    try {
      existing = await this.store.listKeys();
    } catch {
      return;
    }
    const admins = existing.filter((record) => record.source === 'admin');
    const problems = keys.flatMap((key, i) => {
      if (admins.some((record) => record.id === key.id))
        return [`auth.keys[${i}].id: "${key.id}" is a key created through the admin API; declare another id, or delete that key first`];
      // One secret is one key: the store would refuse to put this one, and the reload would apply without it.
      const owner = admins.find((record) => record.hash === key.hash);
      return owner === undefined
        ? []
        : [`auth.keys[${i}].hash: the secret of "${owner.id}", a key created through the admin API; declare another secret, or delete that key first`];
    });
    if (problems.length > 0) throw new Error(problems.join('; '));
  }

  /**
   * Puts router.yaml's keys into the store and removes declared keys that left the file (not their
   * usage): the removed first, so a secret moved to a new id is free for it. A key the store refuses is logged and the
   * rest still synced. Every secret that stopped resolving (a key removed, a hash rotated) is
   * forgotten by the lookup cache at once.
   */
  syncDeclaredKeys(keys: readonly DeclaredKeyConfig[]): Promise<void> {
    this.declared = keys;
    // One sync at a time, in the order asked: two reloads in quick succession would otherwise
    // interleave their list, delete and put steps, and a key the last file removed could stay.
    const sync = this.lastSync.then(() => this.syncOnce(keys));
    this.lastSync = sync.catch(() => undefined);
    return sync;
  }

  private async syncOnce(keys: readonly DeclaredKeyConfig[]): Promise<void> {
    const declared = new Set(keys.map((key) => key.id));
    const existing = await this.store.listKeys();
    for (const record of existing) {
      if (record.source === 'config' && !declared.has(record.id)) {
        // Its usage stays: a file saved half-written, or a key taken out for a moment, must not reset a
        // budget when the key comes back (the same id is the same owner; the admin API's reset zeroes it).
        await this.store.deleteKey(record.id, { keepUsage: true });
        this.deleted(record);
      }
    }
    for (const key of keys) {
      const previous = existing.find((record) => record.id === key.id);
      if (previous?.source === 'admin') {
        // A key the admin API made is not the file's to replace (checkDeclaredIds refuses such a reload).
        this.logger.error({ keyId: key.id }, 'a key declared in router.yaml has the id of a key created through the admin API; the declared one is not stored');
        continue;
      }
      try {
        await this.store.putKey({ ...key, createdAt: previous?.createdAt ?? new Date(this.now()).toISOString(), source: 'config' });
      } catch (error) {
        this.logger.error({ keyId: key.id, err: error }, 'a key declared in router.yaml could not be stored; the other keys are');
        continue;
      }
      this.forget(key.hash);
      if (previous !== undefined && previous.hash !== key.hash) this.forget(previous.hash);
    }
  }

  /** Null when the store is away and the policy is fail-open (the request runs unmetered). */
  async reserve(key: KeyRecord, tokens: number, nanoUsd = 0): Promise<ReserveOutcome | null> {
    try {
      const outcome = await this.store.reserve(key.id, tokens, this.now(), this.config.reservationTtlMs, nanoUsd, key.generation);
      if (outcome.ok) this.standing.set(ownerScope(key), outcome.snapshot);
      else this.metrics.budgetRejections.inc({ reason: outcome.reason });
      return outcome;
    } catch (error) {
      this.storeFailed('reserve', error);
      if (this.config.onStoreError === 'fail-open' && error instanceof StoreUnavailableError) {
        this.metrics.unmetered.inc({ reason: 'store_unavailable' });
        return null;
      }
      throw error;
    }
  }

  /** False when the budget is spent or the store cannot say (a stream then ends cleanly). */
  async topUp(reservation: Reservation, tokens: number, nanoUsd = 0): Promise<boolean> {
    try {
      return await this.store.topUp(reservation, tokens, this.now(), nanoUsd);
    } catch (error) {
      this.storeFailed('top_up', error);
      return this.config.onStoreError === 'fail-open';
    }
  }

  /** Charges what was used; never throws, retries in the background when the store is away. */
  settle(reservation: Reservation, tokens: number, nanoUsd = 0, attempt = 0): void {
    this.store.settle(reservation, tokens, this.now(), nanoUsd).catch((error: unknown) => {
      this.storeFailed('settle', error);
      const delay = SETTLE_RETRY_MS[attempt];
      if (delay === undefined) {
        this.logger.error({ keyId: reservation.keyId, tokens, nanoUsd }, 'usage could not be recorded: the budget store stayed unavailable');
        return;
      }
      setTimeout(() => this.settle(reservation, tokens, nanoUsd, attempt + 1), delay).unref();
    });
  }

  /** The largest share of any limited token or dollar budget the key had used, as of its last reservation. */
  usedShare(key: KeyRecord): number {
    const snapshot = this.standing.get(ownerScope(key));
    let share = 0;
    for (const period of snapshot?.tokens ?? []) {
      if (period.limit !== null && period.limit > 0) share = Math.max(share, (period.used + period.reserved) / period.limit);
    }
    // Dollar budgets press the same way.
    for (const period of snapshot?.usd ?? []) {
      if (period.limit !== null && period.limit > 0) share = Math.max(share, (period.used + period.reserved) / period.limit);
    }
    return share;
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private storeFailed(operation: string, error: unknown): void {
    this.metrics.storeErrors.inc({ operation });
    this.logger.warn({ operation, err: error }, 'budget store call failed');
  }
}
