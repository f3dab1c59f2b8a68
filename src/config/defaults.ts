// The only place defaults live. `applyDefaults` turns schema-valid raw input into a complete
// `Config` (not yet cross-checked or frozen). The schema imports these values only to show them
// to editors as `default`.

import { resolve } from 'node:path';
import type { Complexity } from '../classify/classification.js';
import { resolveFloors } from '../classify/floors.js';
import { DEFAULT_MODEL_FILE } from '../classify/learned/model-file.js';
import { resolveHeuristicSettings } from '../classify/settings.js';
import type { RawBudgets, RawClassifier, RawConfig, RawDeclaredKey, RawModel, RawPool, RawPrice, RawReplica, RawSimSettings } from './raw.js';
import type {
  BudgetsConfig,
  ClassifierConfig,
  Config,
  DeclaredKeyConfig,
  EngineMetricsConfig,
  EngineName,
  AnthropicConfig,
  HealthCheckConfig,
  IdempotencyConfig,
  LoggingConfig,
  ModelConfig,
  CacheConfig,
  ModelCacheConfig,
  OutlierConfig,
  PoolConfig,
  PriceConfig,
  ReplicaConfig,
  ResponsesConfig,
  RetryConfig,
  ServerConfig,
  SimConfig,
  SimFaults,
  TierConfig,
} from './types.js';

export const DEFAULTS = {
  server: {
    host: '127.0.0.1',
    port: 8080,
    maxBodyBytes: 4_194_304,
    requestTimeoutMs: 600_000,
    shutdownGraceMs: 10_000,
    headersTimeoutMs: 10_000,
    bodyTimeoutMs: 30_000,
    maxHeaderBytes: 16_384,
    maxConnections: 4_096,
    metricsPort: null,
    metricsHost: null,
  },
  logging: { level: 'info' },
  pool: {
    connectTimeoutMs: 2_000,
    firstTokenTimeoutMs: 60_000,
    idleTimeoutMs: 30_000,
    maxConnections: 64,
    balance: 'load-aware',
    maxInFlight: 256,
    maxEngineQueue: 8,
  },
  healthCheck: { timeoutMs: 2_000, unhealthyAfter: 2, healthyAfter: 2 },
  outlier: { consecutiveFailures: 5, baseEjectionMs: 10_000, maxEjectionMs: 300_000, maxEjectedPercent: 50 },
  engineMetrics: { timeoutMs: 1_000, staleAfterMs: 5_000 },
  /** GKE's recommender's default ratio; an hour smooths the effective price over load swings. */
  price: { outputInputCostRatio: 4, effectiveWindowMs: 3_600_000 },
  // The learned thresholds and the heuristic's share of the vote: chosen by leave-one-source-out
  // (npm run eval:classifier recommends the thresholds from its curve; README, "How well it routes").
  classifier: { embeddingsTimeoutMs: 300, llmTimeoutMs: 1500, learned: { complexFrom: 0.47, simpleFrom: 0.43, heuristicWeight: 0.5 } },
  budgets: {
    store: 'memory',
    budgetMode: 'strict',
    onStoreError: 'fail-closed',
    degradeAt: 0.8,
    maxOutputTokens: 4096,
    // Qwen2-VL and Qwen2.5-VL at their default max_pixels (12845056 / 28²): the most a common vLLM model makes of one image.
    imageTokens: 16_384,
    // 30 s at 50 frames a second (Whisper's encoder; Qwen2-Audio pools that to 25).
    audioTokens: 1_500,
    topUpTokens: 256,
    reservationTtlMs: 900_000,
  },
  redis: { keyPrefix: 'sy', commandTimeoutMs: 1_000 },
  // Stripe keeps keys at least 24 hours (https://docs.stripe.com/idempotency); waitMs defaults to the request deadline.
  idempotency: { store: 'memory', ttlMs: 86_400_000, maxEntryBytes: 4_194_304, maxBytes: 67_108_864 },
  // An hour, and a megabyte an answer: a repeated question within the hour is the case worth serving.
  modelCache: { ttlMs: 3_600_000, scope: 'key', maxEntryBytes: 1_048_576, deterministicOnly: true },
  cache: { store: 'memory', maxBytes: 67_108_864, lockWaitMs: 30_000 },
  // OpenAI's retention is commonly given as 30 days (unverified); xAI documents 30 days for its Responses store.
  responses: { store: 'memory', ttlMs: 2_592_000_000, maxBytes: 268_435_456, maxEntryBytes: 8_388_608, maxChainDepth: 100 },
  retry: { maxAttempts: 3, budgetPercent: 20, minRetriesPerSecond: 5, backoffBaseMs: 25, backoffMaxMs: 250 },
  replica: { weight: 1 },
} as const satisfies {
  server: ServerConfig;
  logging: LoggingConfig;
  pool: Pick<PoolConfig, 'connectTimeoutMs' | 'firstTokenTimeoutMs' | 'idleTimeoutMs' | 'maxConnections' | 'balance' | 'maxInFlight' | 'maxEngineQueue'>;
  healthCheck: Omit<HealthCheckConfig, 'intervalMs' | 'path'>;
  outlier: OutlierConfig;
  engineMetrics: Omit<EngineMetricsConfig, 'intervalMs'>;
  price: Pick<PriceConfig, 'outputInputCostRatio' | 'effectiveWindowMs'>;
  retry: RetryConfig;
  classifier: { embeddingsTimeoutMs: number; llmTimeoutMs: number; learned: { complexFrom: number; simpleFrom: number; heuristicWeight: number } };
  budgets: Omit<BudgetsConfig, 'redis'>;
  redis: { keyPrefix: string; commandTimeoutMs: number };
  idempotency: Omit<IdempotencyConfig, 'waitMs'>;
  modelCache: ModelCacheConfig;
  cache: CacheConfig;
  responses: ResponsesConfig;
  replica: Pick<ReplicaConfig, 'weight'>;
};

/**
 * Defaults that differ by engine. TGI runs a real prefill on /health after a failure, so it is
 * checked gently; hosted APIs have neither a health endpoint worth polling nor metrics.
 */
export const ENGINE_DEFAULTS: Readonly<Record<EngineName, { readonly healthPath: string; readonly healthIntervalMs: number; readonly metricsIntervalMs: number }>> = {
  vllm: { healthPath: '/health', healthIntervalMs: 5_000, metricsIntervalMs: 1_000 },
  tgi: { healthPath: '/health', healthIntervalMs: 15_000, metricsIntervalMs: 1_000 },
  openai: { healthPath: '/v1/models', healthIntervalMs: 0, metricsIntervalMs: 0 },
  azure: { healthPath: '/openai/v1/models', healthIntervalMs: 0, metricsIntervalMs: 0 },
  anthropic: { healthPath: '/v1/models', healthIntervalMs: 0, metricsIntervalMs: 0 },
  sim: { healthPath: '/health', healthIntervalMs: 5_000, metricsIntervalMs: 1_000 },
};

export const ANTHROPIC_DEFAULTS = { version: '2023-06-01', defaultMaxTokens: 4096 } as const satisfies AnthropicConfig;

export const SIM_FAULT_DEFAULTS = {
  slowFactor: 1,
  errorRate: 0,
  hang: false,
  dieAfterRequests: 0,
  dropMidStreamRate: 0,
} as const satisfies SimFaults;

export const SIM_DEFAULTS = {
  flavour: 'vllm',
  ttftMs: 40,
  tokensPerSecond: 80,
  defaultMaxTokens: 48,
  embeddingDimensions: 64,
  maxRunning: 32,
  kvCacheTokens: 131_072,
  maxModelLen: 32_768,
  faults: SIM_FAULT_DEFAULTS,
} as const satisfies SimConfig;

/** A replica without a `name` is called `<pool>-<index>`, index from 0. */
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

function pool(raw: RawPool, name: string): PoolConfig {
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

/**
 * Without an explicit route, simple and moderate requests go to the first tier and complex ones to
 * the last; with three tiers or more, the middle class takes the second.
 */
function defaultRoute(tiers: readonly string[]): Record<Complexity, string> {
  const first = tiers[0] ?? '';
  const last = tiers[tiers.length - 1] ?? first;
  return { simple: first, moderate: tiers.length >= 3 ? (tiers[1] ?? first) : first, complex: last };
}

function model(raw: RawModel): ModelConfig {
  return {
    tiers: [...raw.tiers],
    classify: raw.classify ?? false,
    route: { ...defaultRoute(raw.tiers), ...raw.route },
    allowTierHeader: raw.allowTierHeader ?? false,
    ...(raw.description === undefined ? {} : { description: raw.description }),
    // The schema's pattern guarantees the scope's shape.
    ...(raw.cache === undefined ? {} : { cache: { ...DEFAULTS.modelCache, ...raw.cache } as ModelCacheConfig }),
    ...(raw.anthropicModels === undefined ? {} : { anthropicModels: [...raw.anthropicModels] }),
  };
}

function classifier(raw: RawClassifier | undefined, baseDir: string): ClassifierConfig {
  const learned = raw?.learned;
  return {
    mode: raw?.mode ?? 'learned',
    // The heuristic's own defaults (tuned on the labelled set) live with it; a config overrides key by key.
    heuristic: resolveHeuristicSettings(raw?.heuristic),
    learned: {
      weights: learned?.weights === undefined ? DEFAULT_MODEL_FILE : resolve(baseDir, learned.weights),
      complexFrom: learned?.complexFrom ?? DEFAULTS.classifier.learned.complexFrom,
      simpleFrom: learned?.simpleFrom ?? DEFAULTS.classifier.learned.simpleFrom,
      heuristicWeight: learned?.heuristicWeight ?? DEFAULTS.classifier.learned.heuristicWeight,
    },
    floors: resolveFloors(raw?.floors),
    ...(raw?.embeddings === undefined
      ? {}
      : {
          embeddings: {
            pool: raw.embeddings.pool,
            timeoutMs: raw.embeddings.timeoutMs ?? DEFAULTS.classifier.embeddingsTimeoutMs,
            // Copied: the loaded config is frozen and must not freeze the caller's lists.
            examples: { simple: [...raw.embeddings.examples.simple], moderate: [...raw.embeddings.examples.moderate], complex: [...raw.embeddings.examples.complex] },
          },
        }),
    ...(raw?.llm === undefined ? {} : { llm: { pool: raw.llm.pool, timeoutMs: raw.llm.timeoutMs ?? DEFAULTS.classifier.llmTimeoutMs } }),
  };
}

function declaredKey(raw: RawDeclaredKey): DeclaredKeyConfig {
  const limits = raw.limits ?? {};
  return {
    id: raw.id,
    name: raw.name ?? raw.id,
    hash: raw.hash,
    prefix: raw.prefix ?? '',
    enabled: raw.enabled ?? true,
    models: raw.models === undefined ? null : [...raw.models],
    tiers: raw.tiers === undefined ? null : [...raw.tiers],
    maxTokensPerRequest: raw.maxTokensPerRequest ?? null,
    limits: {
      tokensPerMinute: limits.tokensPerMinute ?? null,
      tokensPerDay: limits.tokensPerDay ?? null,
      tokensPerMonth: limits.tokensPerMonth ?? null,
      tokensLifetime: limits.tokensLifetime ?? null,
      requestsPerMinute: limits.requestsPerMinute ?? null,
      maxConcurrent: limits.maxConcurrent ?? null,
      usdPerDay: limits.usdPerDay ?? null,
      usdPerMonth: limits.usdPerMonth ?? null,
      usdLifetime: limits.usdLifetime ?? null,
    },
    metadata: { ...raw.metadata },
  };
}

/**
 * A reservation must outlive every request it covers; by default it outlives the request deadline by
 * RESERVATION_MARGIN_MS, at least the base default, so long generations need no second setting.
 */
const RESERVATION_MARGIN_MS = 60_000;

/** The TLS files of budgets.redis, relative to router.yaml's directory. */
function resolvePaths(files: { ca?: string; cert?: string; key?: string }, baseDir: string): { ca?: string; cert?: string; key?: string } {
  return Object.fromEntries(Object.entries(files).map(([name, path]) => [name, resolve(baseDir, path)]));
}

function budgets(raw: RawBudgets | undefined, requestTimeoutMs: number, baseDir: string): BudgetsConfig {
  const base = DEFAULTS.budgets;
  const redis = raw?.redis;
  return {
    store: raw?.store ?? base.store,
    ...(redis === undefined && raw?.store !== 'redis'
      ? {}
      : {
          redis: {
            ...(redis?.url === undefined ? {} : { url: redis.url }),
            ...(redis?.urlEnv === undefined ? {} : { urlEnv: redis.urlEnv }),
            ...(redis?.cluster === undefined ? {} : { cluster: { nodes: [...redis.cluster.nodes] } }),
            ...(redis?.sentinel === undefined ? {} : { sentinel: { ...redis.sentinel, sentinels: [...redis.sentinel.sentinels] } }),
            ...(redis?.tls === undefined ? {} : { tls: resolvePaths(redis.tls, baseDir) }),
            ...(redis?.usernameEnv === undefined ? {} : { usernameEnv: redis.usernameEnv }),
            ...(redis?.passwordEnv === undefined ? {} : { passwordEnv: redis.passwordEnv }),
            keyPrefix: redis?.keyPrefix ?? DEFAULTS.redis.keyPrefix,
            commandTimeoutMs: redis?.commandTimeoutMs ?? DEFAULTS.redis.commandTimeoutMs,
          },
        }),
    budgetMode: raw?.budgetMode ?? base.budgetMode,
    onStoreError: raw?.onStoreError ?? base.onStoreError,
    degradeAt: raw?.degradeAt === undefined ? base.degradeAt : raw.degradeAt,
    maxOutputTokens: raw?.maxOutputTokens ?? base.maxOutputTokens,
    imageTokens: raw?.imageTokens ?? base.imageTokens,
    audioTokens: raw?.audioTokens ?? base.audioTokens,
    topUpTokens: raw?.topUpTokens ?? base.topUpTokens,
    reservationTtlMs: raw?.reservationTtlMs ?? Math.max(base.reservationTtlMs, requestTimeoutMs + RESERVATION_MARGIN_MS),
  };
}

/** `baseDir`: where relative file paths (classifier.learned.weights, budgets.redis.tls) resolve, the config file's directory. */
export function applyDefaults(raw: RawConfig, baseDir: string = process.cwd()): Config {
  const server = raw.server ?? {};
  return {
    server: {
      host: server.host ?? DEFAULTS.server.host,
      port: server.port ?? DEFAULTS.server.port,
      maxBodyBytes: server.maxBodyBytes ?? DEFAULTS.server.maxBodyBytes,
      requestTimeoutMs: server.requestTimeoutMs ?? DEFAULTS.server.requestTimeoutMs,
      shutdownGraceMs: server.shutdownGraceMs ?? DEFAULTS.server.shutdownGraceMs,
      headersTimeoutMs: server.headersTimeoutMs ?? DEFAULTS.server.headersTimeoutMs,
      bodyTimeoutMs: server.bodyTimeoutMs ?? DEFAULTS.server.bodyTimeoutMs,
      maxHeaderBytes: server.maxHeaderBytes ?? DEFAULTS.server.maxHeaderBytes,
      maxConnections: server.maxConnections ?? DEFAULTS.server.maxConnections,
      metricsPort: server.metricsPort ?? DEFAULTS.server.metricsPort,
      metricsHost: server.metricsHost ?? DEFAULTS.server.metricsHost,
    },
    logging: { level: raw.logging?.level ?? DEFAULTS.logging.level },
    retry: { ...DEFAULTS.retry, ...raw.retry },
    classifier: classifier(raw.classifier, baseDir),
    auth: { required: raw.auth?.required ?? false, keys: (raw.auth?.keys ?? []).map(declaredKey) },
    budgets: budgets(raw.budgets, raw.server?.requestTimeoutMs ?? DEFAULTS.server.requestTimeoutMs, baseDir),
    idempotency: {
      ...DEFAULTS.idempotency,
      ...raw.idempotency,
      waitMs: raw.idempotency?.waitMs ?? raw.server?.requestTimeoutMs ?? DEFAULTS.server.requestTimeoutMs,
    },
    cache: { ...DEFAULTS.cache, ...raw.cache },
    responses: { ...DEFAULTS.responses, ...raw.responses },
    defaultModel: raw.defaultModel ?? null,
    models: mapEntries(raw.models, model),
    tiers: mapEntries(raw.tiers, (t): TierConfig => ({
      pools: [...t.pools],
      ...(t.spillTo === undefined ? {} : { spillTo: t.spillTo }),
      ...(t.price === undefined ? {} : { price: t.price }),
    })),
    pools: mapEntries(raw.pools, pool),
  };
}
