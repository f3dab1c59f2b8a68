// The resolved configuration of pools and what they contain: engines, replicas, simulated replicas,
// health checks, outlier ejection, engine metrics, retries, hosted engines' settings and prices (the
// `pools.<name>` and `retry` parts of types.ts's Config, which re-exports this module).

export type EngineName = 'vllm' | 'tgi' | 'openai' | 'azure' | 'anthropic' | 'sim';

/** Faults a simulated replica injects, for failover tests and benchmarks. */
export interface SimFaults {
  /** Multiplies every delay: 3 makes a replica three times slower. */
  readonly slowFactor: number;
  /** Share of requests (0..1) answered with an engine error (500) instead of a completion. */
  readonly errorRate: number;
  /** Accept requests and never answer them. */
  readonly hang: boolean;
  /** After this many requests the replica stops listening (connections refused); 0 = never. */
  readonly dieAfterRequests: number;
  /** Share of streams (0..1) whose connection is cut after half their tokens. */
  readonly dropMidStreamRate: number;
}

/** Which real engine a simulated replica imitates: its metric names and error bodies. */
export type SimFlavour = 'vllm' | 'tgi';

/** How a built-in simulated replica behaves. */
export interface SimConfig {
  readonly flavour: SimFlavour;
  /** Time to first token for an idle replica. */
  readonly ttftMs: number;
  readonly tokensPerSecond: number;
  /** Completion length when the request sets no max_tokens. */
  readonly defaultMaxTokens: number;
  /** Length of the embedding vectors it returns (unless the request sets `dimensions`). */
  readonly embeddingDimensions: number;
  /** Continuous batching: sequences decoded together; further requests wait in a queue. */
  readonly maxRunning: number;
  /** KV-cache capacity in tokens; the usage gauge is tokens held by running sequences over this. */
  readonly kvCacheTokens: number;
  /** The model's context window: prompt + max_tokens beyond it is the engine's context-length error. */
  readonly maxModelLen: number;
  readonly faults: SimFaults;
}

/** How a pool picks a replica among those available. */
export type BalanceStrategy = 'load-aware' | 'least-in-flight' | 'round-robin';

/** Active health checks: a GET on the engine's health path. */
export interface HealthCheckConfig {
  /** 0 turns active checks off (the default for hosted APIs). */
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Consecutive failed checks that mark a healthy replica unhealthy. */
  readonly unhealthyAfter: number;
  /** Consecutive passed checks that mark an unhealthy replica healthy again. */
  readonly healthyAfter: number;
  /** Overrides the engine's health path. */
  readonly path: string;
}

/** Passive outlier ejection, driven by the outcome of real requests. */
export interface OutlierConfig {
  /** Consecutive gateway failures (connect error, reset, 502/503/504, first-byte timeout) that eject. */
  readonly consecutiveFailures: number;
  /** An ejection lasts this × the number of times the replica was ejected (decaying while healthy). */
  readonly baseEjectionMs: number;
  readonly maxEjectionMs: number;
  /** At most this share of a pool's replicas is ejected at once. */
  readonly maxEjectedPercent: number;
}

/** Scraping the engines' Prometheus metrics for queue depth and KV-cache use. */
export interface EngineMetricsConfig {
  /** 0 turns scraping off (the default for hosted APIs, which have no metrics). */
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** A scrape older than this is unknown, and unknown load counts as busy, never as idle. */
  readonly staleAfterMs: number;
}

/** Retries of failed attempts, before the first byte reaches the client. */
export interface RetryConfig {
  /** Attempts per request, the first included; each on a replica not tried before. */
  readonly maxAttempts: number;
  /** Retries may add at most this share (percent) of the recent request rate... */
  readonly budgetPercent: number;
  /** ...but this many retries per second are always allowed, so quiet routers can retry too. */
  readonly minRetriesPerSecond: number;
  /** Full-jitter exponential backoff between attempts: random(0, min(max, base × 2^retry)). */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
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
  /**
   * Streams: from sending the request until the first token. A role-only first chunk or an SSE
   * comment (a keep-alive) is no token. Running out is a replica failure: retried elsewhere.
   */
  readonly firstTokenTimeoutMs: number;
  /** Longest silence between two chunks of a response body: a stream's events after its first token, a non-streaming body once begun. */
  readonly idleTimeoutMs: number;
  /**
   * Non-streaming: the whole answer, which engines send only once generation has ended; null leaves
   * it to server.requestTimeoutMs. Running out is a long generation, not a broken replica: the
   * request is neither retried nor held against the replica.
   */
  readonly responseTimeoutMs: number | null;
  /** Keep-alive connections per replica. */
  readonly maxConnections: number;
  readonly balance: BalanceStrategy;
  /** A replica with this many requests in flight from this router is saturated. */
  readonly maxInFlight: number;
  /** A replica whose engine reports more waiting requests than this is saturated. */
  readonly maxEngineQueue: number;
  /**
   * Tokens of prompt and output together the served model takes (vLLM's max_model_len, TGI's
   * max_total_tokens); null when not configured (then learnt from the engine where it says).
   */
  readonly contextLength: number | null;
  readonly healthCheck: HealthCheckConfig;
  readonly outlier: OutlierConfig;
  readonly engineMetrics: EngineMetricsConfig;
  /** What the pool's tokens cost; null when no price is configured (its requests then cost nothing known). */
  readonly price: PriceConfig | null;
  /** Simulator settings; present when engine is `sim`. */
  readonly sim?: SimConfig;
  /** Anthropic's Messages API settings; present when engine is `anthropic`. */
  readonly anthropic?: AnthropicConfig;
  /** Azure OpenAI's addressing; present when engine is `azure`. */
  readonly azure?: AzureConfig;
  /**
   * Inbound APIs the engine serves itself: their requests are passed through to it in the client's own
   * API instead of being translated to chat completions (src/proxy/native/). Default none; `anthropic`: messages.
   */
  readonly apis: readonly NativeApi[];
  readonly replicas: readonly ReplicaConfig[];
}

/** An inbound API other than OpenAI's chat that an engine may serve natively: OpenAI Responses, Anthropic Messages. */
export type NativeApi = 'responses' | 'messages';

/** The `anthropic-version` header sent: 2026-10-21 takes no temperature, top_p or top_k (they are dropped). */
export type AnthropicVersion = '2023-06-01' | '2026-10-21';

export interface AnthropicConfig {
  readonly version: AnthropicVersion;
  /** Messages requires max_tokens: sent when the chat request sets none. */
  readonly defaultMaxTokens: number;
}

/** `deployments`: /openai/deployments/{servedModel}/…?api-version=…; `v1`: /openai/v1/… with model = servedModel. */
export type AzureApi = 'v1' | 'deployments';

export interface AzureConfig {
  readonly api: AzureApi;
  /** The api-version query parameter (deployments only); null for v1. */
  readonly apiVersion: string | null;
}

/** How a pool's requests are priced: its configured token prices, or the GPU-derived effective price. */
export type ChargeWith = 'static' | 'effective';

/**
 * A pool's prices in USD per million tokens, with the meanings of LiteLLM's and Bifrost's price tables
 * (input_cost_per_token, output_cost_per_token, cache_read_input_token_cost,
 * cache_creation_input_token_cost, ×1e6). Token prices are all set or all null (cached and cache-write
 * default to the input price); gpuUsdPerHour alone makes the effective price the only one.
 */
export interface PriceConfig {
  readonly inputUsdPerMillion: number | null;
  readonly outputUsdPerMillion: number | null;
  readonly cachedInputUsdPerMillion: number | null;
  readonly cacheWriteUsdPerMillion: number | null;
  /** One replica's cost per hour, busy or idle; the effective-price gauge needs it. */
  readonly gpuUsdPerHour: number | null;
  /** Input tokens worth one output token of GPU time (the effective price's split). */
  readonly outputInputCostRatio: number;
  /** The sliding window the effective price is measured over. */
  readonly effectiveWindowMs: number;
  readonly chargeWith: ChargeWith;
}
