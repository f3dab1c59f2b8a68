// The response cache as the inference handler uses it, in two steps around the classification:
// probe() reads what the cache needs of the request alone (its canonical body and digest, which the
// classifier's memo is keyed on), then, between the plan and the reservation, open() decides (bypass,
// hit, or miss), serves a hit at once (hit.ts), and for a miss hands the
// attempts a recorder; finish() stores the answer when it may be kept and lets waiting identical
// requests go. A store that fails (Redis away) is counted and the request goes on without the cache:
// never an error for the client.
import { tierIdentity } from './tier-identity.js';
import { performance } from 'node:perf_hooks';
import type { Waits } from '../observability/request-record.js';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ClientResponse } from '../protocols/client-response.js';
import type { KeyRecord } from '../budgets/types.js';
import type { CacheConfig, ModelCacheConfig } from '../config/types.js';
import type { Pool } from '../pools/pool.js';
import type { NativeRequest } from '../protocols/protocol.js';
import { TranslatedResponse } from '../protocols/translated-response.js';
import type { AbortSwitch } from '../proxy/abort-switch.js';
import { NativeRecording } from '../proxy/native/native-recording.js';
import type { RequestResult } from '../proxy/results.js';
import type { InferenceRequest } from '../routing/inference-request.js';
import type { RequestPlan } from '../routing/plan.js';
import { clientDirectives, fresh, requestBypass, type ClientDirectives } from './eligibility.js';
import { serveHit, type HitCopy } from './hit.js';
import type { CacheEntry } from './entry.js';
import { RouterError } from '../openai/errors.js';
import type { CacheMetrics } from './metrics.js';
import { nativeRequestKey } from './native-key.js';
import { Recorder } from './recorder.js';
import { CacheMiss } from './cache-miss.js';
import { bodyDigest, cacheScope, canonicalBody, requestKey } from './request-key.js';
import { SingleFlight, type Flight, type FlightRequest, type LeadFlight } from './single-flight.js';
import type { CacheStore } from './store.js';

/** What the cache makes of a request before it is classified (probe()). */
export interface CacheProbe {
  /** The alias's cache block. */
  readonly config: ModelCacheConfig;
  readonly directives: ClientDirectives;
  /** canonicalBody() of the request's (chat) body; null: the request bypasses the cache. */
  readonly body: string | null;
  /** Its bodyDigest(): the classifier remembers its classification under it. Null with body. */
  readonly digest: string | null;
}

export interface CacheRequest {
  readonly probe: CacheProbe;
  /** The router-wide block in force (lockWaitMs). */
  readonly settings: CacheConfig;
  readonly plan: RequestPlan<Pool>;
  readonly request: InferenceRequest;
  readonly key: KeyRecord | null;
  readonly res: ClientResponse;
  readonly requestId: string;
  readonly abort: AbortSwitch;
  /** Where the time spent waiting for an identical request's answer is added. */
  readonly waits: Waits;
  /** The time left before the request's deadline: the longest it may wait, and the lock's lifetime. */
  readonly deadlineMs: number;
  /**
   * The bytes the recorder must keep at least: an idempotent request's bound (idempotency.maxEntryBytes)
   * when it shares this recorder, so an answer over the cache's bound is still kept for its retry; 0 otherwise.
   */
  readonly recordBytes: number;
}

/** One request's use of the cache. */
export interface CacheCall {
  readonly status: 'hit' | 'miss' | 'bypass';
  /** A hit's result: the answer was served from the cache (or the client left during it). */
  readonly served: RequestResult | null;
  /** What a hit wrote, when it reached its end: an Idempotency-Key sent with it keeps it. */
  readonly copy: HitCopy | null;
  /** For a miss: give it to the attempts, so the answer can be stored. */
  readonly recorder: Recorder | null;
  /**
   * Stores the answer if it may be kept, and releases identical requests waiting for it. Never throws
   * or rejects; undefined when it is done already (nothing to await).
   */
  finish(result: RequestResult | null, capped: boolean): Promise<void> | undefined;
}

const NOTHING = (): undefined => undefined;

export class ResponseCache {
  /** This router in lock owners, so a lock names the router and request that hold it. */
  private readonly routerId = randomUUID().slice(0, 8);
  private readonly flights = new SingleFlight();

  constructor(
    readonly store: CacheStore,
    private readonly metrics: CacheMetrics,
  ) {}

  /**
   * The first step, for a cached alias, before the request is classified: whether it may use the cache
   * at all (the client's Cache-Control, deterministic sampling), and its canonical body and digest.
   */
  probe(config: ModelCacheConfig, request: InferenceRequest, headers: IncomingHttpHeaders): CacheProbe {
    const directives = clientDirectives(headerText(headers['cache-control']));
    if (requestBypass(config, request, directives) !== null) return { config, directives, body: null, digest: null };
    const body = canonicalBody(request.body);
    return { config, directives, body, digest: bodyDigest(body) };
  }

  /**
   * The second step, once the request is planned (its tier is part of the key). Decided without a
   * promise when nothing is waited for (a miss on the memory store, a bypass): the caller awaits only
   * a promise. Throws (or rejects) only with only-if-cached's 504, or when the client left while waiting.
   */
  open(call: CacheRequest): CacheCall | Promise<CacheCall> {
    const { probe, plan, request, res } = call;
    const { config, directives, body } = probe;
    if (body === null) {
      if (!directives.onlyIfCached) return this.bypass(res, plan.alias);
      this.metrics.lookups.series(plan.alias, 'bypass').inc();
      throw notCached(res, 'bypass');
    }
    const scope = cacheScope(config.scope, call.key);
    // A request a pool of its plan may answer in the client's own API is keyed on that API and the body
    // the engine would get (native-key.ts); every other on its chat body, as chat requests are.
    const native = request.native === undefined ? null : nativeForm(request.native, plan);
    const hash =
      native === null
        ? requestKey({ scope, endpoint: request.endpoint, alias: plan.alias, tier: tierIdentity(plan.tier), body })
        : nativeRequestKey({ scope, native, alias: plan.alias, tier: tierIdentity(plan.tier) });
    if (directives.onlyIfCached) return this.onlyIfCached(call, hash);
    if (!directives.lookup) return this.miss(call, hash, native, null);
    const asked: FlightRequest = {
      store: this.store,
      hash,
      owner: `${this.routerId}:${call.requestId}`,
      lockTtlMs: Math.max(1, Math.ceil(call.deadlineMs)),
      waitMs: Math.min(call.settings.lockWaitMs, call.deadlineMs),
      abort: call.abort,
    };
    let flight: Flight | null;
    try {
      flight = this.flights.joinAtOnce(asked);
    } catch {
      // As a store that failed in join(): counted, and the request goes on without the cache.
      this.metrics.storeErrors.inc({ operation: 'get' });
      return this.bypass(res, plan.alias);
    }
    return flight === null ? this.joinThenOpen(call, hash, native, asked) : this.opened(call, hash, native, flight);
  }

  /** open() when the store must be asked, or an identical request of this router waited for. */
  private async joinThenOpen(call: CacheRequest, hash: string, native: NativeRequest | null, asked: FlightRequest): Promise<CacheCall> {
    let flight: Flight;
    const from = performance.now();
    try {
      flight = await this.flights.join(asked);
    } catch (thrown) {
      if (call.abort.aborted) throw thrown;
      this.metrics.storeErrors.inc({ operation: 'get' });
      return this.bypass(call.res, call.plan.alias);
    }
    if (flight.waited) {
      this.metrics.waits.inc({ model: call.plan.alias, outcome: flight.kind });
      // The store's own calls are in it too: a few of them beside a wait for a whole answer.
      call.waits.waitedMs += performance.now() - from;
    }
    return this.opened(call, hash, native, flight);
  }

  /** With the flight decided: a fresh entry served, or the request handed to the attempts. */
  private opened(call: CacheRequest, hash: string, native: NativeRequest | null, flight: Flight): CacheCall | Promise<CacheCall> {
    if (flight.kind !== 'hit') return this.miss(call, hash, native, flight.kind === 'lead' ? flight : null);
    const { config, directives } = call.probe;
    // An entry too old (for the ttlMs now in force, or the client's max-age), or answered by a tier this
    // caller may not reach (a spill, in a scope it shares): answered by an engine, and stored again.
    if (!fresh(flight.entry.createdMs, Date.now(), config.ttlMs, directives) || !reachable(call.plan, flight.entry)) return this.miss(call, hash, native, null);
    return this.serve(call, hash, native, flight.entry);
  }

  private async serve(call: CacheRequest, hash: string, native: NativeRequest | null, entry: CacheEntry): Promise<CacheCall> {
    const served = await serveHit(call, entry, this.metrics);
    // An entry that cannot be served in the shape asked for: answered by an engine, and stored again.
    if (served === null) return this.miss(call, hash, native, null);
    this.metrics.lookups.series(call.plan.alias, 'hit').inc();
    return { status: 'hit', served: served.result, copy: served.copy, recorder: null, finish: NOTHING };
  }

  /** A request the engines answer (a miss, or a bypass when the client asked for no lookup), recorded for the store. */
  private miss(call: CacheRequest, hash: string, native: NativeRequest | null, lead: LeadFlight | null): CacheMiss {
    const { probe, plan, res } = call;
    const status = probe.directives.lookup ? 'miss' : 'bypass';
    this.metrics.lookups.series(plan.alias, status).inc();
    res.setHeader('x-switchyard-cache', status);
    const { maxEntryBytes } = probe.config;
    const recorder = new Recorder(Math.max(maxEntryBytes, call.recordBytes));
    const recording = native === null ? null : nativeRecording(res, maxEntryBytes);
    const nativeCopy = recording === null || native === null ? null : { recording, api: native.api };
    return new CacheMiss(this.store, this.metrics, status, hash, recorder, nativeCopy, lead, call);
  }

  /**
   * `Cache-Control: only-if-cached`: a fresh stored answer, else the 504 without asking an engine. No
   * lock is taken and no identical request is waited for; a store that fails has no answer to give.
   */
  private async onlyIfCached(call: CacheRequest, hash: string): Promise<CacheCall> {
    const { config, directives } = call.probe;
    const { alias } = call.plan;
    let entry: CacheEntry | null = null;
    if (directives.lookup) {
      try {
        entry = await this.store.get(hash);
      } catch {
        this.metrics.storeErrors.inc({ operation: 'get' });
      }
    }
    const served = entry !== null && fresh(entry.createdMs, Date.now(), config.ttlMs, directives) && reachable(call.plan, entry) ? await serveHit(call, entry, this.metrics) : null;
    if (served !== null) {
      this.metrics.lookups.series(alias, 'hit').inc();
      return { status: 'hit', served: served.result, copy: served.copy, recorder: null, finish: NOTHING };
    }
    this.metrics.lookups.series(alias, directives.lookup ? 'miss' : 'bypass').inc();
    throw notCached(call.res, directives.lookup ? 'miss' : 'bypass');
  }

  private bypass(res: ClientResponse, alias: string): CacheCall {
    this.metrics.lookups.series(alias, 'bypass').inc();
    res.setHeader('x-switchyard-cache', 'bypass');
    return { status: 'bypass', served: null, copy: null, recorder: null, finish: NOTHING };
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

/** The request's native form when a pool of its plan serves that API (pools.<n>.apis), else null. */
function nativeForm(native: NativeRequest, plan: RequestPlan<Pool>): NativeRequest | null {
  for (const tier of plan.chain) for (const pool of tier.pools) if (pool.config.apis.includes(native.api)) return native;
  return null;
}

/**
 * The copy of a native answer the relays write (TranslatedResponse.nativeRecording): idempotency's when
 * it made one (then widened to the cache's bound; each store skips what is over its own), else a new one.
 */
function nativeRecording(res: ClientResponse, maxBytes: number): NativeRecording | null {
  if (!(res instanceof TranslatedResponse)) return null;
  const recording = res.nativeRecording ?? (res.nativeRecording = new NativeRecording(maxBytes));
  recording.widen(maxBytes);
  return recording;
}

/** The only-if-cached request's 504, the response marked as what the lookup was. */
function notCached(res: ClientResponse, status: 'miss' | 'bypass'): RouterError {
  res.setHeader('x-switchyard-cache', status);
  // Retrying at once finds nothing more: the SDKs, which retry a 504, obey x-should-retry.
  return new RouterError('not_cached', 'Cache-Control: only-if-cached was sent and the response cache has no stored answer for this request.', {
    headers: { 'x-should-retry': 'false' },
  });
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Whether the tier that answered the entry is one this request may be served by. The key holds the
 * planned tier, but a spilled or fallen-back answer comes from another one: a caller barred from that
 * tier (its key's `tiers`) must not get its answer from a scope it shares with one that is not.
 */
function reachable(plan: CacheRequest['plan'], entry: CacheEntry): boolean {
  for (const tier of plan.chain) if (tier.name === entry.tier) return true;
  return false;
}
