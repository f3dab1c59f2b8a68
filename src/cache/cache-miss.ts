// A miss (or a bypass) of the response cache while the engines answer it (service.ts opens it): what
// storing its answer needs, and the store call. On the memory store it finishes without a promise.
import type { ModelCacheConfig, NativeApi } from '../config/types.js';
import type { NativeRecording } from '../proxy/native/native-recording.js';
import type { RequestResult } from '../proxy/results.js';
import type { InferenceRequest } from '../routing/inference-request.js';
import { storable } from './eligibility.js';
import type { CacheEntry } from './entry.js';
import type { CacheMetrics } from './metrics.js';
import { nativeEntry } from './native-entry.js';
import type { Recorder } from './recorder.js';
import type { CacheCall, CacheRequest } from './service.js';
import type { LeadFlight } from './single-flight.js';
import type { CacheStore } from './store.js';

/**
 * A miss (or a bypass) while the engines answer it: what storing its answer needs, and the store
 * call. A class, not a closure over an object of the same: one allocation per miss.
 */
export class CacheMiss implements CacheCall {
  readonly served = null;
  readonly copy = null;
  private readonly config: ModelCacheConfig;
  private readonly request: InferenceRequest;
  private readonly alias: string;

  constructor(
    private readonly store: CacheStore,
    private readonly metrics: CacheMetrics,
    readonly status: 'miss' | 'bypass',
    private readonly hash: string,
    readonly recorder: Recorder,
    /** Where a native answer is copied, and its API; null: the request has no native form its plan may use. */
    private readonly native: { readonly recording: NativeRecording; readonly api: NativeApi } | null,
    /** The flight this request leads (identical requests wait on it); null: it leads none. */
    private readonly lead: LeadFlight | null,
    call: CacheRequest,
  ) {
    this.config = call.probe.config;
    this.request = call.request;
    this.alias = call.plan.alias;
  }

  /** Undefined when it is all done: a store in this process keeps the answer and lets waiting requests go without a promise. */
  finish(result: RequestResult | null, capped: boolean): Promise<void> | undefined {
    const { recorder, native, config, lead, store } = this;
    // A native answer was copied by the native recording (the relay failed the chat recorder then).
    const nativeBytes = native?.recording.body() ?? null;
    // The recorders may keep more than the cache's bound (for idempotency): the cache still skips what is over its own.
    const oversized =
      nativeBytes === null
        ? recorder.state === 'oversized' || recorder.recordedBytes > config.maxEntryBytes || native?.recording.overflowed === true
        : nativeBytes.length > config.maxEntryBytes;
    const entry =
      result === null || oversized
        ? null
        : native !== null && nativeBytes !== null
          ? nativeEntry(result, native.recording, native.api, Date.now())
          : recorder.entry(result, Date.now());
    if (entry !== null && storable(entry, this.request, capped)) {
      // The store in this process (it has readLocal too, so a leader here led without a claim to give up).
      if (store.setLocal === undefined || store.readLocal === undefined) return this.storeShared(entry);
      try {
        store.setLocal(this.hash, entry, config.ttlMs);
      } catch {
        this.metrics.storeErrors.inc({ operation: 'set' });
        this.metrics.stores.series(this.alias, 'error').inc();
        return lead === null ? undefined : this.release(lead, 'failed');
      }
      lead?.releaseStored();
      this.metrics.stores.series(this.alias, 'stored').inc();
      return undefined;
    }
    this.metrics.stores.series(this.alias, oversized ? 'oversized' : 'not_cacheable').inc();
    // A complete answer that may not be kept: requests waiting for it here run on their own at once.
    return lead === null ? undefined : this.release(lead, entry === null && !oversized ? 'failed' : 'unkept');
  }

  /** A shared store: the entry stored (a leader gives its claim up in the same call), then waiting requests let go. */
  private async storeShared(entry: CacheEntry): Promise<void> {
    const { lead, config, metrics } = this;
    try {
      if (lead !== null) await lead.storeAndRelease(entry, config.ttlMs);
      else await this.store.set(this.hash, entry, config.ttlMs);
      metrics.stores.series(this.alias, 'stored').inc();
    } catch {
      metrics.storeErrors.inc({ operation: 'set' });
      metrics.stores.series(this.alias, 'error').inc();
      if (lead !== null) await this.release(lead, 'failed');
    }
  }

  private async release(lead: LeadFlight, end: 'failed' | 'unkept'): Promise<void> {
    try {
      await lead.release(end);
    } catch {
      this.metrics.storeErrors.inc({ operation: 'unlock' });
    }
  }
}
