// The resolved router configuration: what `loadConfig` returns after parsing, validation, defaults
// and cross-checks. Every field is present (defaults filled in) and the whole tree is frozen.
// Key names equal the router.yaml keys, so a path in an error message is also a path in this type.

export type EngineName = 'vllm' | 'tgi' | 'openai' | 'sim';

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
}

export interface LoggingConfig {
  readonly level: LogLevel;
}

/** A name clients put in `"model"`. */
export interface ModelConfig {
  /** Tiers this alias may be served by, cheapest first. Without classification the first serves. */
  readonly tiers: readonly string[];
  readonly description?: string;
}

/** A class of capability and cost. */
export interface TierConfig {
  /** Pools in fallback order. */
  readonly pools: readonly string[];
  /** The tier to use when this one is exhausted or saturated. */
  readonly spillTo?: string;
}

/** How a built-in simulated replica behaves. */
export interface SimConfig {
  /** Time to first token for an idle replica. */
  readonly ttftMs: number;
  readonly tokensPerSecond: number;
  /** Completion length when the request sets no max_tokens. */
  readonly defaultMaxTokens: number;
  /** Length of the embedding vectors it returns (unless the request sets `dimensions`). */
  readonly embeddingDimensions: number;
}

export interface ReplicaConfig {
  /** Unique across the config; shown to clients in `x-switchyard-replica`. Default `<pool>-<index>`. */
  readonly name: string;
  /** Base URL (scheme, host, port; no path). Absent for `sim` replicas: the router starts them. */
  readonly url?: string;
  readonly weight: number;
  /** Per-replica overrides of the pool's simulator settings. */
  readonly sim?: SimConfig;
}

export interface PoolConfig {
  readonly engine: EngineName;
  /** The model name the replicas serve; replaces the client's `model` on the way upstream. */
  readonly servedModel: string;
  /** Name of the environment variable holding the API key sent as a bearer token (hosted APIs). */
  readonly apiKeyEnv?: string;
  readonly connectTimeoutMs: number;
  /** Until the first response byte (non-streaming: the headers; streaming: the first event). */
  readonly firstByteTimeoutMs: number;
  /** Longest silence allowed between two chunks of a response body. */
  readonly idleTimeoutMs: number;
  /** Keep-alive connections per replica. */
  readonly maxConnections: number;
  /** Simulator settings; present when engine is `sim`. */
  readonly sim?: SimConfig;
  readonly replicas: readonly ReplicaConfig[];
}

export interface Config {
  readonly server: ServerConfig;
  readonly logging: LoggingConfig;
  readonly models: Readonly<Record<string, ModelConfig>>;
  readonly tiers: Readonly<Record<string, TierConfig>>;
  readonly pools: Readonly<Record<string, PoolConfig>>;
}
