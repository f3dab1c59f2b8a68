// The resolved router configuration: what `loadConfig` returns after parsing, validation, defaults
// and cross-checks. Every field is present (defaults filled in) and the whole tree is frozen.
// Key names equal the router.yaml keys, so a path in an error message is also a path in this type.

import type { Complexity } from '../classify/classification.js';
import type { ClassifierFloors } from '../classify/floors.js';
import type { HeuristicSettings } from '../classify/settings.js';
import type { PoolConfig, RetryConfig } from './types-pools.js';

// The pools' part of the tree (engines, replicas, health, prices) is types-pools.ts, re-exported here
// so that every reader of the config imports its types from one module.
export type * from './types-pools.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ServerConfig {
  /** Interface to listen on. */
  readonly host: string;
  readonly port: number;
  /** Largest request body accepted; larger ones get 413 without being buffered. */
  readonly maxBodyBytes: number;
  /** One deadline for a whole request, every attempt included. */
  readonly requestTimeoutMs: number;
  /** On SIGTERM, how long in-flight requests may take to finish before the process exits. */
  readonly shutdownGraceMs: number;
  /** From a request's first byte until its headers are complete; slower clients get 408. */
  readonly headersTimeoutMs: number;
  /** From a request's first byte until its body is complete; slower clients get 408. */
  readonly bodyTimeoutMs: number;
  /** Largest request head (request line and headers); larger ones get 431. */
  readonly maxHeaderBytes: number;
  /** Open client connections at most; further connections are closed as they arrive. */
  readonly maxConnections: number;
  /**
   * A second listener for /metrics (and /healthz, /readyz), for scrapers and probes; null serves
   * /metrics on the API listener behind the admin token.
   */
  readonly metricsPort: number | null;
  /** Interface of the metrics listener; null: the API listener's. */
  readonly metricsHost: string | null;
}

export interface LoggingConfig {
  readonly level: LogLevel;
}

/** A name clients put in `"model"`. */
export interface ModelConfig {
  /** Tiers this alias may be served by, cheapest first. Without classification the first serves. */
  readonly tiers: readonly string[];
  /** Classify each request and serve it from `route[class]`. */
  readonly classify: boolean;
  /** Complexity class → tier; always present (derived from `tiers` when not written). */
  readonly route: Readonly<Record<Complexity, string>>;
  /** Whether a client may pin one of this alias's tiers with the `x-switchyard-tier` header. */
  readonly allowTierHeader: boolean;
  readonly description?: string;
  /** The alias's response cache (src/cache/); absent: its answers are not cached. */
  readonly cache?: ModelCacheConfig;
  /** Anthropic model names this alias also answers to on /v1/messages; absent: none. */
  readonly anthropicModels?: readonly string[];
}

/** Who shares response cache entries: each key, everyone, or the keys with one metadata value. */
export type CacheScope = 'key' | 'shared' | `metadata:${string}`;

/** An alias's response cache. */
export interface ModelCacheConfig {
  readonly ttlMs: number;
  readonly scope: CacheScope;
  /** The largest answer stored; a larger one is served and not stored. */
  readonly maxEntryBytes: number;
  /** Only chat and completions requests with temperature 0 or a seed (embeddings always). */
  readonly deterministicOnly: boolean;
}

/** Where response cache entries live. */
export interface CacheConfig {
  readonly store: 'memory' | 'redis';
  /** The memory store's bound on the bytes of its entries. */
  readonly maxBytes: number;
  /** How long identical concurrent requests wait for the first one. */
  readonly lockWaitMs: number;
}

export type ClassifierMode = 'learned' | 'heuristic' | 'embeddings' | 'llm';

/** The learned model (src/classify/learned/): its weights file and the thresholds on its probabilities. */
export interface LearnedClassifierConfig {
  /** Absolute path of the weights file: a relative one in router.yaml is resolved against the file's directory. */
  readonly weights: string;
  /** P(complex) at or above this → complex. */
  readonly complexFrom: number;
  /** Otherwise P(simple) at or above this → simple; else moderate. */
  readonly simpleFrom: number;
  /** The heuristic's share of the vote, blended into the model's probabilities (0: the model alone). */
  readonly heuristicWeight: number;
}

/** Nearest-prototype classification with an embeddings pool and example prompts per class. */
export interface EmbeddingsClassifierConfig {
  readonly pool: string;
  readonly timeoutMs: number;
  readonly examples: Readonly<Record<Complexity, readonly string[]>>;
}

/** Asking a (small) chat pool to label the request. */
export interface LlmClassifierConfig {
  readonly pool: string;
  readonly timeoutMs: number;
}

export interface ClassifierConfig {
  readonly mode: ClassifierMode;
  readonly heuristic: HeuristicSettings;
  /** Always resolved (every key has a default); read only in `learned` mode. */
  readonly learned: LearnedClassifierConfig;
  /** Minimum classes for request-level signals, applied after every mode. */
  readonly floors: ClassifierFloors;
  /** Present when mode is `embeddings`. */
  readonly embeddings?: EmbeddingsClassifierConfig;
  /** Present when mode is `llm`. */
  readonly llm?: LlmClassifierConfig;
}

/** A class of capability and cost. */
export interface TierConfig {
  /** Pools in fallback order. */
  readonly pools: readonly string[];
  /** The tier to use when this one is exhausted or saturated. */
  readonly spillTo?: string;
  /** Relative price of serving a request here (any unit, the same for every tier); for cost estimates. */
  readonly price?: number;
}

/** Per-key limits; null is unlimited. */
export interface KeyLimitsConfig {
  readonly tokensPerMinute: number | null;
  readonly tokensPerDay: number | null;
  readonly tokensPerMonth: number | null;
  readonly tokensLifetime: number | null;
  readonly requestsPerMinute: number | null;
  readonly maxConcurrent: number | null;
  /** Dollar budgets (decimal USD, kept in the store as integer nano-USD). */
  readonly usdPerDay: number | null;
  readonly usdPerMonth: number | null;
  readonly usdLifetime: number | null;
}

/** A client key declared in router.yaml by the SHA-256 of its secret (for GitOps). */
export interface DeclaredKeyConfig {
  readonly id: string;
  readonly name: string;
  readonly hash: string;
  readonly prefix: string;
  readonly enabled: boolean;
  readonly models: readonly string[] | null;
  readonly tiers: readonly string[] | null;
  readonly maxTokensPerRequest: number | null;
  readonly limits: KeyLimitsConfig;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface AuthConfig {
  /** Every inference call needs a valid key. Otherwise calls without a known key run unmetered. */
  readonly required: boolean;
  readonly keys: readonly DeclaredKeyConfig[];
}

export type BudgetMode = 'strict' | 'tight';
export type StoreErrorPolicy = 'fail-closed' | 'fail-open';

/** How to reach Redis: exactly one of url, urlEnv, cluster and sentinel (checked at load). */
export interface RedisConfig {
  /** A single node: redis:// or rediss:// (TLS). */
  readonly url?: string;
  /** A single node, its URL in this environment variable (when the URL carries a password). */
  readonly urlEnv?: string;
  /** Redis Cluster: seed nodes; the client discovers the rest and follows slot moves. */
  readonly cluster?: { readonly nodes: readonly string[] };
  /** Sentinel: the master's name, the sentinels (URLs), and the sentinels' own credentials if any. */
  readonly sentinel?: {
    readonly masterName: string;
    readonly sentinels: readonly string[];
    readonly db?: number;
    readonly usernameEnv?: string;
    readonly passwordEnv?: string;
  };
  /** Absolute paths of PEM files for rediss:// connections (relative ones resolved against router.yaml's directory). */
  readonly tls?: { readonly ca?: string; readonly cert?: string; readonly key?: string };
  /** Names of the environment variables holding the ACL user and its password. */
  readonly usernameEnv?: string;
  readonly passwordEnv?: string;
  readonly keyPrefix: string;
  readonly commandTimeoutMs: number;
}

export interface BudgetsConfig {
  readonly store: 'memory' | 'redis';
  /** For `store: redis`: where Redis is (one of url, urlEnv, cluster, sentinel), TLS files and ACL credentials. */
  readonly redis?: RedisConfig;
  /** strict: reservations are upper bounds, spend never exceeds a limit; tight: estimates, topped up. */
  readonly budgetMode: BudgetMode;
  readonly onStoreError: StoreErrorPolicy;
  /** Past this share of any token budget, a key's classified requests go to the alias's first tier; null: never. */
  readonly degradeAt: number | null;
  /**
   * Output tokens reserved when a request sets no limit; strict mode sends it upstream (capped by the
   * key's maxTokensPerRequest) where the pool's context length does not already bound the output.
   */
  readonly maxOutputTokens: number;
  /** Prompt tokens reserved per image part (strict): no fewer than the served model makes of one image. */
  readonly imageTokens: number;
  /** Prompt tokens reserved per audio part, or its base64 length when larger (strict). */
  readonly audioTokens: number;
  /** Tight mode: output tokens reserved up front, and the step of each top-up during a stream. */
  readonly topUpTokens: number;
  /** A reservation not settled by then is reclaimed (its router presumably died); above requestTimeoutMs. */
  readonly reservationTtlMs: number;
}

/** Requests sent with an Idempotency-Key (src/idempotency/). */
export interface IdempotencyConfig {
  readonly store: 'memory' | 'redis';
  /** How long a finished answer is replayed. */
  readonly ttlMs: number;
  /** How long a concurrent duplicate waits for the first request before its 409. */
  readonly waitMs: number;
  /** The largest answer kept for replay. */
  readonly maxEntryBytes: number;
  /** The memory store's bound on the bytes of the answers it keeps. */
  readonly maxBytes: number;
}

/** Stored responses of the OpenAI Responses API (src/protocols/responses/). */
export interface ResponsesConfig {
  /** memory (this router) or redis (every router sharing budgets.redis); chosen at start. */
  readonly store: 'memory' | 'redis';
  /** How long a stored response can be read and continued. */
  readonly ttlMs: number;
  /** The memory store's bound on the bytes of the responses it keeps. */
  readonly maxBytes: number;
  /** The largest response kept (its JSON record); a larger one is answered with store: false. */
  readonly maxEntryBytes: number;
  /** The most responses a previous_response_id conversation may reach back through. */
  readonly maxChainDepth: number;
}

export interface Config {
  readonly server: ServerConfig;
  readonly logging: LoggingConfig;
  readonly retry: RetryConfig;
  readonly classifier: ClassifierConfig;
  readonly auth: AuthConfig;
  readonly budgets: BudgetsConfig;
  readonly idempotency: IdempotencyConfig;
  readonly cache: CacheConfig;
  readonly responses: ResponsesConfig;
  /** The alias that serves requests sent without `model` (vLLM and TGI default it too); null: `model` is required. */
  readonly defaultModel: string | null;
  readonly models: Readonly<Record<string, ModelConfig>>;
  readonly tiers: Readonly<Record<string, TierConfig>>;
  readonly pools: Readonly<Record<string, PoolConfig>>;
}
