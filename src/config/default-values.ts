// The default values of every config key, in one table the schema also shows to editors as
// `default`. Applying them to raw input is defaults.ts (and pool-defaults.ts for pools).
import type {
  AnthropicConfig,
  BudgetsConfig,
  CacheConfig,
  EngineMetricsConfig,
  EngineName,
  HealthCheckConfig,
  IdempotencyConfig,
  LoggingConfig,
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
    maxConnections: 1_024,
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
