// `applyDefaults` turns schema-valid raw input into a complete `Config` (not yet cross-checked or
// frozen). The values live in default-values.ts (the schema shows them to editors as `default`);
// a pool's are applied in pool-defaults.ts.

import { resolve } from 'node:path';
import type { Complexity } from '../classify/classification.js';
import { resolveFloors } from '../classify/floors.js';
import { DEFAULT_MODEL_FILE } from '../classify/learned/model-file.js';
import { resolveHeuristicSettings } from '../classify/settings.js';
import { DEFAULTS } from './default-values.js';
import { poolWithDefaults } from './pool-defaults.js';
import type { RawBudgets, RawClassifier, RawConfig, RawDeclaredKey, RawModel } from './raw.js';
import type { BudgetsConfig, ClassifierConfig, Config, DeclaredKeyConfig, ModelCacheConfig, ModelConfig, TierConfig } from './types.js';

// The values themselves are default-values.ts: re-exported, as the schema and tests read them here.
export { ANTHROPIC_DEFAULTS, DEFAULTS, ENGINE_DEFAULTS, SIM_DEFAULTS, SIM_FAULT_DEFAULTS } from './default-values.js';
export { defaultReplicaName } from './pool-defaults.js';

/** Builds a record with defined properties (safe for keys such as `__proto__`). */
function mapEntries<T, U>(record: Record<string, T>, map: (value: T, key: string) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value, key)]));
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
    pools: mapEntries(raw.pools, poolWithDefaults),
  };
}
