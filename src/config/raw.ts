// The raw shape of router.yaml: what validation guarantees, before defaults (defaults.ts turns it
// into the resolved Config). Every key with a default is optional here.

import type { BalanceStrategy, ClassifierMode, EngineName, LogLevel, SimFlavour } from './types.js';
import type { SignalName } from '../classify/settings.js';
import type { FloorOverrides } from '../classify/floors.js';
import type { Complexity } from '../classify/classification.js';

export interface RawSimFaults {
  slowFactor?: number;
  errorRate?: number;
  hang?: boolean;
  dieAfterRequests?: number;
  dropMidStreamRate?: number;
}
export interface RawSimSettings {
  flavour?: SimFlavour;
  maxRunning?: number;
  kvCacheTokens?: number;
  maxModelLen?: number;
  faults?: RawSimFaults;
  ttftMs?: number;
  tokensPerSecond?: number;
  defaultMaxTokens?: number;
  embeddingDimensions?: number;
}
export interface RawServer {
  host?: string;
  port?: number;
  maxBodyBytes?: number;
  requestTimeoutMs?: number;
  shutdownGraceMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  maxHeaderBytes?: number;
  maxConnections?: number;
  metricsPort?: number | null;
  metricsHost?: string | null;
}
export interface RawLogging {
  level?: LogLevel;
}
export interface RawModel {
  tiers: string[];
  classify?: boolean;
  route?: Partial<Record<Complexity, string>>;
  allowTierHeader?: boolean;
  description?: string;
  cache?: RawModelCache;
  anthropicModels?: string[];
}
export interface RawModelCache {
  ttlMs?: number;
  scope?: string;
  maxEntryBytes?: number;
  deterministicOnly?: boolean;
}
export interface RawResponses {
  store?: 'memory' | 'redis';
  ttlMs?: number;
  maxBytes?: number;
  maxEntryBytes?: number;
  maxChainDepth?: number;
}
export interface RawCache {
  store?: 'memory' | 'redis';
  maxBytes?: number;
  lockWaitMs?: number;
}
export interface RawClassifier {
  mode?: ClassifierMode;
  heuristic?: {
    weights?: Partial<Record<SignalName, number>>;
    thresholds?: { simpleBelow?: number; complexFrom?: number; effortCap?: number };
    length?: { floorChars?: number; capDoublings?: number };
    maxTokens?: { short?: number; long?: number };
    window?: { headChars?: number; tailChars?: number; contextChars?: number; contextMessages?: number };
  };
  learned?: { weights?: string; complexFrom?: number; simpleFrom?: number; heuristicWeight?: number };
  floors?: FloorOverrides;
  embeddings?: { pool: string; timeoutMs?: number; examples: Record<Complexity, string[]> };
  llm?: { pool: string; timeoutMs?: number };
}
export interface RawTier {
  pools: string[];
  spillTo?: string;
  price?: number;
}
export interface RawReplica {
  name?: string;
  url?: string;
  weight?: number;
  sim?: RawSimSettings;
}
export interface RawPrice {
  inputUsdPerMillion?: number;
  outputUsdPerMillion?: number;
  cachedInputUsdPerMillion?: number;
  cacheWriteUsdPerMillion?: number;
  gpuUsdPerHour?: number;
  outputInputCostRatio?: number;
  effectiveWindowMs?: number;
  chargeWith?: 'static' | 'effective';
}
export interface RawPool {
  engine: EngineName;
  servedModel: string;
  apiKeyEnv?: string;
  connectTimeoutMs?: number;
  firstTokenTimeoutMs?: number;
  idleTimeoutMs?: number;
  responseTimeoutMs?: number;
  maxConnections?: number;
  balance?: BalanceStrategy;
  maxInFlight?: number;
  maxEngineQueue?: number;
  contextLength?: number;
  healthCheck?: { intervalMs?: number; timeoutMs?: number; unhealthyAfter?: number; healthyAfter?: number; path?: string };
  outlier?: { consecutiveFailures?: number; baseEjectionMs?: number; maxEjectionMs?: number; maxEjectedPercent?: number };
  engineMetrics?: { intervalMs?: number; timeoutMs?: number; staleAfterMs?: number };
  price?: RawPrice;
  sim?: RawSimSettings;
  anthropic?: { version?: '2023-06-01' | '2026-10-21'; defaultMaxTokens?: number };
  azure?: { api?: 'v1' | 'deployments'; apiVersion?: string };
  apis?: ('responses' | 'messages')[];
  replicas: RawReplica[];
}
export interface RawRetry {
  maxAttempts?: number;
  budgetPercent?: number;
  minRetriesPerSecond?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}
export interface RawKeyLimits {
  tokensPerMinute?: number;
  tokensPerDay?: number;
  tokensPerMonth?: number;
  tokensLifetime?: number;
  requestsPerMinute?: number;
  maxConcurrent?: number;
  usdPerDay?: number;
  usdPerMonth?: number;
  usdLifetime?: number;
}
export interface RawDeclaredKey {
  id: string;
  name?: string;
  hash: string;
  prefix?: string;
  enabled?: boolean;
  models?: string[];
  tiers?: string[];
  maxTokensPerRequest?: number;
  limits?: RawKeyLimits;
  metadata?: Record<string, string>;
}
export interface RawAuth {
  required?: boolean;
  keys?: RawDeclaredKey[];
}
export interface RawBudgets {
  store?: 'memory' | 'redis';
  redis?: {
    url?: string;
    urlEnv?: string;
    cluster?: { nodes: string[] };
    sentinel?: { masterName: string; sentinels: string[]; db?: number; usernameEnv?: string; passwordEnv?: string };
    tls?: { ca?: string; cert?: string; key?: string };
    usernameEnv?: string;
    passwordEnv?: string;
    keyPrefix?: string;
    commandTimeoutMs?: number;
  };
  budgetMode?: 'strict' | 'tight';
  onStoreError?: 'fail-closed' | 'fail-open';
  degradeAt?: number | null;
  maxOutputTokens?: number;
  imageTokens?: number;
  audioTokens?: number;
  topUpTokens?: number;
  reservationTtlMs?: number;
}
export interface RawIdempotency {
  store?: 'memory' | 'redis';
  ttlMs?: number;
  waitMs?: number;
  maxEntryBytes?: number;
  maxBytes?: number;
}
export interface RawConfig {
  server?: RawServer;
  logging?: RawLogging;
  retry?: RawRetry;
  classifier?: RawClassifier;
  auth?: RawAuth;
  budgets?: RawBudgets;
  idempotency?: RawIdempotency;
  cache?: RawCache;
  responses?: RawResponses;
  defaultModel?: string;
  models: Record<string, RawModel>;
  tiers: Record<string, RawTier>;
  pools: Record<string, RawPool>;
}
