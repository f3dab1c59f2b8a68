// A pool's config with its defaults: engine-specific health and metrics settings, simulator
// settings merged pool over defaults and replica over pool, prices with their fallbacks, and the
// inbound APIs an engine serves natively.
import type { RawPool, RawPrice, RawReplica, RawSimSettings } from './raw.js';
import { ANTHROPIC_DEFAULTS, DEFAULTS, ENGINE_DEFAULTS, SIM_DEFAULTS } from './default-values.js';
import type { PoolConfig, PriceConfig, ReplicaConfig, SimConfig } from './types.js';

export function defaultReplicaName(poolName: string, index: number): string {
  return `${poolName}-${index}`;
}

/** Settings given over a base: only keys actually present override. */
function mergeSim(base: SimConfig, over: RawSimSettings | undefined): SimConfig {
  return {
    flavour: over?.flavour ?? base.flavour,
    ttftMs: over?.ttftMs ?? base.ttftMs,
    tokensPerSecond: over?.tokensPerSecond ?? base.tokensPerSecond,
    defaultMaxTokens: over?.defaultMaxTokens ?? base.defaultMaxTokens,
    embeddingDimensions: over?.embeddingDimensions ?? base.embeddingDimensions,
    maxRunning: over?.maxRunning ?? base.maxRunning,
    kvCacheTokens: over?.kvCacheTokens ?? base.kvCacheTokens,
    maxModelLen: over?.maxModelLen ?? base.maxModelLen,
    faults: { ...base.faults, ...over?.faults },
  };
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

/**
 * Cached and cache-write tokens cost the input price unless priced apart. Requests are charged the
 * configured token prices when there are any, else the GPU-derived effective price.
 */
function resolvePrice(raw: RawPrice | undefined): PriceConfig | null {
  if (raw === undefined) return null;
  const input = raw.inputUsdPerMillion ?? null;
  const output = raw.outputUsdPerMillion ?? null;
  return {
    inputUsdPerMillion: input,
    outputUsdPerMillion: output,
    cachedInputUsdPerMillion: raw.cachedInputUsdPerMillion ?? input,
    cacheWriteUsdPerMillion: raw.cacheWriteUsdPerMillion ?? input,
    gpuUsdPerHour: raw.gpuUsdPerHour ?? null,
    outputInputCostRatio: raw.outputInputCostRatio ?? DEFAULTS.price.outputInputCostRatio,
    effectiveWindowMs: raw.effectiveWindowMs ?? DEFAULTS.price.effectiveWindowMs,
    chargeWith: raw.chargeWith ?? (input === null && output === null && raw.gpuUsdPerHour !== undefined ? 'effective' : 'static'),
  };
}

export function poolWithDefaults(raw: RawPool, name: string): PoolConfig {
  // Simulator settings exist only for sim pools: pool settings over the defaults, replica settings
  // over the pool's. A `sim` key on another engine is reported by references.ts.
  const sim = raw.engine === 'sim' ? mergeSim(SIM_DEFAULTS, raw.sim) : undefined;
  const engine = ENGINE_DEFAULTS[raw.engine];
  return {
    engine: raw.engine,
    servedModel: raw.servedModel,
    ...(raw.apiKeyEnv === undefined ? {} : { apiKeyEnv: raw.apiKeyEnv }),
    connectTimeoutMs: raw.connectTimeoutMs ?? DEFAULTS.pool.connectTimeoutMs,
    firstTokenTimeoutMs: raw.firstTokenTimeoutMs ?? DEFAULTS.pool.firstTokenTimeoutMs,
    idleTimeoutMs: raw.idleTimeoutMs ?? DEFAULTS.pool.idleTimeoutMs,
    responseTimeoutMs: raw.responseTimeoutMs ?? null,
    maxConnections: raw.maxConnections ?? DEFAULTS.pool.maxConnections,
    balance: raw.balance ?? DEFAULTS.pool.balance,
    maxInFlight: raw.maxInFlight ?? DEFAULTS.pool.maxInFlight,
    maxEngineQueue: raw.maxEngineQueue ?? DEFAULTS.pool.maxEngineQueue,
    contextLength: raw.contextLength ?? null,
    healthCheck: {
      intervalMs: raw.healthCheck?.intervalMs ?? engine.healthIntervalMs,
      timeoutMs: raw.healthCheck?.timeoutMs ?? DEFAULTS.healthCheck.timeoutMs,
      unhealthyAfter: raw.healthCheck?.unhealthyAfter ?? DEFAULTS.healthCheck.unhealthyAfter,
      healthyAfter: raw.healthCheck?.healthyAfter ?? DEFAULTS.healthCheck.healthyAfter,
      path: raw.healthCheck?.path ?? engine.healthPath,
    },
    outlier: { ...DEFAULTS.outlier, ...raw.outlier },
    engineMetrics: {
      intervalMs: raw.engineMetrics?.intervalMs ?? engine.metricsIntervalMs,
      timeoutMs: raw.engineMetrics?.timeoutMs ?? DEFAULTS.engineMetrics.timeoutMs,
      staleAfterMs: raw.engineMetrics?.staleAfterMs ?? DEFAULTS.engineMetrics.staleAfterMs,
    },
    price: resolvePrice(raw.price),
    ...(sim === undefined ? {} : { sim }),
    ...(raw.engine === 'anthropic' ? { anthropic: { ...ANTHROPIC_DEFAULTS, ...raw.anthropic } } : {}),
    ...(raw.engine === 'azure' ? { azure: { api: raw.azure?.api ?? 'v1', apiVersion: raw.azure?.apiVersion ?? null } } : {}),
    // Messages is engine anthropic's only protocol: its clients' requests go to it as they came, never through chat and back.
    apis: raw.apis ?? (raw.engine === 'anthropic' ? ['messages'] : []),
    replicas: raw.replicas.map((r, index) => replica(r, index, name, sim)),
  };
}
