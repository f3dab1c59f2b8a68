// The default store, for one router process. Every operation runs synchronously between awaits, so
// each check-and-reserve is atomic by construction. Memory stays bounded: a key's expired buckets and
// old reclaim records are dropped as it is used (see KeyUsage).
import { randomUUID } from 'node:crypto';
import { admit, checkAmount, checkReserve, currentBuckets, fits, rejection, snapshot } from './accounting.js';
import { KeyUsage } from './memory-key-usage.js';
import { MemoryRegistry } from './memory-registry.js';
import type { BudgetStore, KeyPrecondition, SettleResult } from './store.js';
import type { BucketIds, KeyRecord, Reservation, ReserveOutcome, UsageSnapshot } from './types.js';

export class MemoryBudgetStore implements BudgetStore {
  private readonly registry = new MemoryRegistry();
  private readonly usages = new Map<string, KeyUsage>();

  async putKey(key: KeyRecord, precondition?: KeyPrecondition): Promise<boolean> {
    return this.registry.put(key, precondition);
  }

  async getKey(id: string): Promise<KeyRecord | null> {
    return this.registry.get(id);
  }

  async findKeyByHash(hash: string): Promise<KeyRecord | null> {
    return this.registry.findByHash(hash);
  }

  async listKeys(): Promise<KeyRecord[]> {
    return this.registry.list();
  }

  async deleteKey(id: string, options?: { readonly keepUsage?: boolean }): Promise<boolean> {
    if (options?.keepUsage !== true) this.usages.delete(id);
    return this.registry.remove(id);
  }

  async reserve(keyId: string, tokens: number, now: number, ttlMs: number, nanoUsd = 0, generation?: string): Promise<ReserveOutcome> {
    checkReserve(tokens, ttlMs, nanoUsd);
    const key = this.registry.peek(keyId);
    if (key === undefined || key.generation !== generation) return rejection({ reason: 'unknown_key', period: null }, null, null, now);
    const usage = this.usageOf(keyId);
    usage.tidy(now);
    if (!key.enabled) return rejection({ reason: 'disabled', period: null }, null, null, now);
    const current = currentBuckets(now);
    const before = usage.counters(current);
    const verdict = admit(key.limits, before, { tokens, nanoUsd });
    if (verdict !== null) return rejection(verdict, key.limits, before, now);

    const buckets: BucketIds = { minute: current.minute, day: current.day, month: current.month };
    const reservation: Reservation = { id: randomUUID(), keyId, tokens, nanoUsd, buckets, expiresAt: now + ttlMs };
    usage.hold(reservation.id, { tokens, nanoUsd, expiresAt: reservation.expiresAt, ttlMs, buckets }, now);
    usage.bump('minute', current.minute, 'requests', 1, now);
    return { ok: true, reservation, snapshot: snapshot(key.limits, usage.counters(current), now, true) };
  }

  async topUp(reservation: Reservation, extraTokens: number, now: number, extraNanoUsd = 0): Promise<boolean> {
    checkAmount('extraTokens', extraTokens);
    checkAmount('extraNanoUsd', extraNanoUsd);
    const key = this.registry.peek(reservation.keyId);
    const usage = this.usages.get(reservation.keyId);
    const held = usage?.held.get(reservation.id);
    if (key === undefined || !key.enabled || usage === undefined || held === undefined) return false;
    // Checked in the buckets the reservation will be charged to, which may no longer be current.
    if (!fits(key.limits, usage.counters({ ...held.buckets, lifetime: 'lifetime' }), { tokens: extraTokens, nanoUsd: extraNanoUsd })) return false;
    usage.add(held.buckets, 'reserved', extraTokens, now);
    if (extraNanoUsd > 0) usage.add(held.buckets, 'usdReserved', extraNanoUsd, now);
    held.tokens += extraTokens;
    held.nanoUsd += extraNanoUsd;
    held.expiresAt = now + held.ttlMs;
    return true;
  }

  async settle(reservation: Reservation, actualTokens: number, now: number, actualNanoUsd = 0): Promise<SettleResult> {
    checkAmount('actualTokens', actualTokens);
    checkAmount('actualNanoUsd', actualNanoUsd);
    const usage = this.usages.get(reservation.keyId);
    if (usage === undefined) return 'already_settled';
    const held = usage.held.get(reservation.id);
    let result: SettleResult;
    if (held !== undefined) {
      usage.held.delete(reservation.id);
      usage.add(held.buckets, 'reserved', -held.tokens, now);
      if (held.nanoUsd > 0) usage.add(held.buckets, 'usdReserved', -held.nanoUsd, now);
      result = 'settled';
    } else if (usage.reclaimed.delete(reservation.id)) {
      result = 'settled_after_reclaim';
    } else {
      return 'already_settled';
    }
    usage.add(reservation.buckets, 'used', actualTokens, now);
    if (actualNanoUsd > 0) usage.add(reservation.buckets, 'usdUsed', actualNanoUsd, now);
    return result;
  }

  async usage(keyId: string, now: number): Promise<UsageSnapshot | null> {
    const key = this.registry.peek(keyId);
    if (key === undefined) return null;
    const usage = this.usageOf(keyId);
    usage.tidy(now);
    return snapshot(key.limits, usage.counters(currentBuckets(now)), now, false);
  }

  async resetUsage(keyId: string): Promise<void> {
    this.usages.get(keyId)?.reset();
  }

  async close(): Promise<void> {}

  /** What the store holds, for metrics and for tests of its memory bound. */
  stats(): { keys: number; buckets: number; reservations: number; reclaimed: number } {
    let [buckets, reservations, reclaimed] = [0, 0, 0];
    for (const usage of this.usages.values()) {
      buckets += usage.bucketCount;
      reservations += usage.held.size;
      reclaimed += usage.reclaimed.size;
    }
    return { keys: this.usages.size, buckets, reservations, reclaimed };
  }

  private usageOf(keyId: string): KeyUsage {
    let usage = this.usages.get(keyId);
    if (usage === undefined) {
      usage = new KeyUsage();
      this.usages.set(keyId, usage);
    }
    return usage;
  }
}
