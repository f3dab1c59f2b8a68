// One upstream server and the live state the router keeps about it. Each part of the state has one
// writer: the proxy (inFlight, coolingUntil, latency), the health checker (health), the outlier detector
// (outlier), the metrics scraper (engineLoad), the context probe (contextLength). The balancer only reads.
import { Pool as Dispatcher } from 'undici';
import type { Engine } from './engines.js';
import type { LatencyState } from './latency.js';

/** A health check, a metrics scrape and a context probe may overlap, and each is brief. */
const PROBE_CONNECTIONS = 3;

export interface ReplicaOptions {
  readonly name: string;
  readonly poolName: string;
  readonly url: string;
  readonly weight: number;
  readonly engine: Engine;
  /** `Bearer …` for hosted APIs; built once here so no request formats it. */
  readonly authorization: string | null;
  /** Further headers every request carries (Azure's api-key, Anthropic's x-api-key and version); null: none. */
  readonly headers?: Readonly<Record<string, string>> | null;
  readonly connectTimeoutMs: number;
  readonly maxConnections: number;
}

/** What active health checks concluded. */
export interface HealthState {
  healthy: boolean;
  consecutivePasses: number;
  consecutiveFailures: number;
  /** Clock time of the last completed check; 0 before the first. */
  lastCheckAt: number;
  lastError: string | null;
}

/** Passive outlier ejection, from the outcome of real requests. */
export interface OutlierState {
  consecutiveFailures: number;
  /** Clock time until which the replica is ejected; 0 when it is not. */
  ejectedUntil: number;
  /** Times ejected, decaying while the replica behaves; multiplies the next ejection's length. */
  ejections: number;
  /** Clock time of the last decay step or ejection end, from which the next decay is counted. */
  decayFrom: number;
}

/** The engine's own view of its load, from its /metrics. */
export interface EngineLoad {
  /** Requests queued in the engine, not yet scheduled. */
  readonly waiting: number;
  /** Sequences being decoded. */
  readonly running: number;
  /** KV-cache use, 0..1; null when the engine does not export it (TGI). */
  readonly kvCacheUse: number | null;
  /** Clock time of the scrape. */
  readonly scrapedAt: number;
}

export class Replica {
  /** Name, pool and weight may change on a reload that keeps the replica (same URL). */
  name: string;
  poolName: string;
  weight: number;
  readonly url: string;
  readonly engine: Engine;
  readonly authorization: string | null;
  readonly headers: Readonly<Record<string, string>> | null;
  /** Keep-alive connections to this replica for requests (the router's own too); one dispatcher per replica. */
  dispatcher: Dispatcher;
  /**
   * The health checks', metrics scrapes' and context probes' own connections. Each request holds a
   * connection of `dispatcher` to itself, so with every one busy a check would wait behind long
   * streams, time out, and mark a replica that is answering well unhealthy.
   */
  probes: Dispatcher;
  private connections: { readonly connectTimeoutMs: number; readonly maxConnections: number };
  /** Requests the router currently has open against this replica. */
  inFlight = 0;
  /** Clock time until which the replica asked not to be sent requests (Retry-After); 0 when none. */
  coolingUntil = 0;
  readonly health: HealthState = { healthy: true, consecutivePasses: 0, consecutiveFailures: 0, lastCheckAt: 0, lastError: null };
  readonly outlier: OutlierState = { consecutiveFailures: 0, ejectedUntil: 0, ejections: 0, decayFrom: 0 };
  /** Time to first byte of successful attempts, as a peak-sensitive moving average. */
  readonly latency: LatencyState = { ewmaMs: null, updatedAt: 0 };
  /** Last scrape of the engine's metrics; null before the first or when scraping is off. */
  engineLoad: EngineLoad | null = null;
  /** The context length the engine last reported (context-probe.ts); null before it said or when it does not. */
  contextLength: number | null = null;

  constructor(options: ReplicaOptions) {
    this.name = options.name;
    this.poolName = options.poolName;
    this.url = options.url;
    this.weight = options.weight;
    this.engine = options.engine;
    this.authorization = options.authorization;
    this.headers = options.headers ?? null;
    this.connections = { connectTimeoutMs: options.connectTimeoutMs, maxConnections: options.maxConnections };
    this.dispatcher = requestDispatcher(options.url, this.connections);
    this.probes = probeDispatcher(options.url, this.connections);
  }

  /**
   * A reload kept this replica: it takes the new config's name, pool, weight and connection settings,
   * and keeps its state. New connection settings open new connections for what comes next; the old
   * ones finish the requests they carry, then close.
   */
  adopt(update: Pick<ReplicaOptions, 'name' | 'poolName' | 'weight' | 'connectTimeoutMs' | 'maxConnections'>): void {
    this.name = update.name;
    this.poolName = update.poolName;
    this.weight = update.weight;
    const { connectTimeoutMs, maxConnections } = update;
    if (connectTimeoutMs === this.connections.connectTimeoutMs && maxConnections === this.connections.maxConnections) return;
    this.connections = { connectTimeoutMs, maxConnections };
    const [dispatcher, probes] = [this.dispatcher, this.probes];
    this.dispatcher = requestDispatcher(this.url, this.connections);
    this.probes = probeDispatcher(this.url, this.connections);
    void Promise.all([dispatcher.close(), probes.close()]).catch(() => {});
  }

  get healthy(): boolean {
    return this.health.healthy;
  }

  async close(): Promise<void> {
    await Promise.all([this.dispatcher.close(), this.probes.close()]);
  }

  /** Drops every connection at once (shutdown after the grace period). */
  async destroy(): Promise<void> {
    await Promise.all([this.dispatcher.destroy(), this.probes.destroy()]);
  }
}

function requestDispatcher(url: string, settings: { readonly connectTimeoutMs: number; readonly maxConnections: number }): Dispatcher {
  return new Dispatcher(url, {
    connections: settings.maxConnections,
    connect: { timeout: settings.connectTimeoutMs },
    // Timeouts are enforced per attempt by the proxy, which knows whether a response streams.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
}

function probeDispatcher(url: string, settings: { readonly connectTimeoutMs: number }): Dispatcher {
  return new Dispatcher(url, { connections: PROBE_CONNECTIONS, connect: { timeout: settings.connectTimeoutMs } });
}
