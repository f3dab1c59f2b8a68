// The only place defaults live. `applyDefaults` turns schema-valid raw input into a complete
// `Config` (not yet cross-checked or frozen). The schema imports these values only to show them
// to editors as `default`.

import type { RawConfig, RawPool, RawReplica, RawSimSettings } from './schema.js';
import type { Config, LoggingConfig, ModelConfig, PoolConfig, ReplicaConfig, ServerConfig, SimConfig, TierConfig } from './types.js';

export const DEFAULTS = {
  server: {
    host: '127.0.0.1',
    port: 8080,
    maxBodyBytes: 4_194_304,
    requestTimeoutMs: 600_000,
    shutdownGraceMs: 10_000,
  },
  logging: { level: 'info' },
  pool: {
    connectTimeoutMs: 2_000,
    firstByteTimeoutMs: 60_000,
    idleTimeoutMs: 30_000,
    maxConnections: 64,
  },
  replica: { weight: 1 },
} as const satisfies {
  server: ServerConfig;
  logging: LoggingConfig;
  pool: Pick<PoolConfig, 'connectTimeoutMs' | 'firstByteTimeoutMs' | 'idleTimeoutMs' | 'maxConnections'>;
  replica: Pick<ReplicaConfig, 'weight'>;
};

export const SIM_DEFAULTS = {
  ttftMs: 40,
  tokensPerSecond: 80,
  defaultMaxTokens: 48,
  embeddingDimensions: 64,
} as const satisfies SimConfig;

/** A replica without a `name` is called `<pool>-<index>`, index from 0. */
export function defaultReplicaName(poolName: string, index: number): string {
  return `${poolName}-${index}`;
}

/** Settings given over a base: only keys actually present override. */
function mergeSim(base: SimConfig, over: RawSimSettings | undefined): SimConfig {
  return {
    ttftMs: over?.ttftMs ?? base.ttftMs,
    tokensPerSecond: over?.tokensPerSecond ?? base.tokensPerSecond,
    defaultMaxTokens: over?.defaultMaxTokens ?? base.defaultMaxTokens,
    embeddingDimensions: over?.embeddingDimensions ?? base.embeddingDimensions,
  };
}

/** Builds a record with defined properties (safe for keys such as `__proto__`). */
function mapEntries<T, U>(record: Record<string, T>, map: (value: T, key: string) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value, key)]));
}

function replica(raw: RawReplica, index: number, poolName: string, poolSim: SimConfig | undefined): ReplicaConfig {
  return {
    name: raw.name ?? defaultReplicaName(poolName, index),
    // Normalised without a trailing slash; whether the URL is allowed at all is checked in references.ts.
    ...(raw.url === undefined ? {} : { url: raw.url.replace(/\/+$/, '') }),
    weight: raw.weight ?? DEFAULTS.replica.weight,
    ...(poolSim === undefined ? {} : { sim: mergeSim(poolSim, raw.sim) }),
  };
}

function pool(raw: RawPool, name: string): PoolConfig {
  // Simulator settings exist only for sim pools: pool settings over the defaults, replica settings
  // over the pool's. A `sim` key on another engine is reported by references.ts.
  const sim = raw.engine === 'sim' ? mergeSim(SIM_DEFAULTS, raw.sim) : undefined;
  return {
    engine: raw.engine,
    servedModel: raw.servedModel,
    ...(raw.apiKeyEnv === undefined ? {} : { apiKeyEnv: raw.apiKeyEnv }),
    connectTimeoutMs: raw.connectTimeoutMs ?? DEFAULTS.pool.connectTimeoutMs,
    firstByteTimeoutMs: raw.firstByteTimeoutMs ?? DEFAULTS.pool.firstByteTimeoutMs,
    idleTimeoutMs: raw.idleTimeoutMs ?? DEFAULTS.pool.idleTimeoutMs,
    maxConnections: raw.maxConnections ?? DEFAULTS.pool.maxConnections,
    ...(sim === undefined ? {} : { sim }),
    replicas: raw.replicas.map((r, index) => replica(r, index, name, sim)),
  };
}

export function applyDefaults(raw: RawConfig): Config {
  const server = raw.server ?? {};
  return {
    server: {
      host: server.host ?? DEFAULTS.server.host,
      port: server.port ?? DEFAULTS.server.port,
      maxBodyBytes: server.maxBodyBytes ?? DEFAULTS.server.maxBodyBytes,
      requestTimeoutMs: server.requestTimeoutMs ?? DEFAULTS.server.requestTimeoutMs,
      shutdownGraceMs: server.shutdownGraceMs ?? DEFAULTS.server.shutdownGraceMs,
    },
    logging: { level: raw.logging?.level ?? DEFAULTS.logging.level },
    models: mapEntries(
      raw.models,
      (m): ModelConfig => ({ tiers: [...m.tiers], ...(m.description === undefined ? {} : { description: m.description }) }),
    ),
    tiers: mapEntries(
      raw.tiers,
      (t): TierConfig => ({ pools: [...t.pools], ...(t.spillTo === undefined ? {} : { spillTo: t.spillTo }) }),
    ),
    pools: mapEntries(raw.pools, pool),
  };
}
