// The schema of pools, their replicas and the simulated engine's settings.

import { ANTHROPIC_DEFAULTS, DEFAULTS, SIM_DEFAULTS, SIM_FAULT_DEFAULTS } from './defaults.js';
import { BALANCE_STRATEGIES, ENGINES, ENV_NAME_PATTERN, NAME_PATTERN, SIM_FLAVOURS, MAX_TIMER_MS, count, interval, milliseconds, share } from './schema-parts.js';

export const simFaultsSchema = {
  type: 'object',
  description: 'Faults the simulated replica injects.',
  additionalProperties: false,
  properties: {
    slowFactor: { type: 'number', minimum: 1, default: SIM_FAULT_DEFAULTS.slowFactor, description: 'Multiplies every delay (3 = three times slower).' },
    errorRate: share('Share of requests answered with an engine error.', SIM_FAULT_DEFAULTS.errorRate),
    hang: { type: 'boolean', default: SIM_FAULT_DEFAULTS.hang, description: 'Accept requests and never answer.' },
    dieAfterRequests: count('After this many requests the replica stops listening (0 = never).', SIM_FAULT_DEFAULTS.dieAfterRequests, 0),
    dropMidStreamRate: share('Share of streams cut off after half their tokens.', SIM_FAULT_DEFAULTS.dropMidStreamRate),
  },
} as const;

export const simSettingsSchema = {
  type: 'object',
  description: 'Simulator behaviour (engine "sim" only). Replica settings override pool settings.',
  additionalProperties: false,
  properties: {
    flavour: { type: 'string', enum: SIM_FLAVOURS, default: SIM_DEFAULTS.flavour, description: 'The engine imitated: metric names and error bodies.' },
    maxRunning: count('Continuous batching: sequences decoded together; more requests wait in a queue.', SIM_DEFAULTS.maxRunning),
    kvCacheTokens: count('KV-cache capacity in tokens, for the cache-usage gauge.', SIM_DEFAULTS.kvCacheTokens),
    maxModelLen: count("Context window in tokens (reported as max_model_len); prompt + max_tokens beyond it is the engine's context-length error.", SIM_DEFAULTS.maxModelLen),
    faults: simFaultsSchema,
    ttftMs: { type: 'integer', minimum: 0, maximum: MAX_TIMER_MS, default: SIM_DEFAULTS.ttftMs, description: 'Time to first token for an idle replica (milliseconds).' },
    tokensPerSecond: { type: 'integer', minimum: 0, default: SIM_DEFAULTS.tokensPerSecond, description: 'Streaming speed.' },
    defaultMaxTokens: {
      type: 'integer',
      minimum: 0,
      default: SIM_DEFAULTS.defaultMaxTokens,
      description: 'Completion length when the request sets no max_tokens.',
    },
    embeddingDimensions: {
      type: 'integer',
      minimum: 1,
      default: SIM_DEFAULTS.embeddingDimensions,
      description: 'Length of the embedding vectors returned (unless the request sets `dimensions`).',
    },
  },
} as const;

export const replicaSchema = {
  type: 'object',
  description: 'One server.',
  additionalProperties: false,
  properties: {
    name: {
      type: 'string',
      pattern: NAME_PATTERN,
      description: 'Unique across the config; shown to clients in x-switchyard-replica. Default: <pool>-<index>.',
    },
    url: {
      type: 'string',
      description: 'Origin such as http://gpu-0:8000 (no path: the router adds /v1/...). Required unless engine is "sim".',
    },
    weight: {
      type: 'number',
      exclusiveMinimum: 0,
      default: DEFAULTS.replica.weight,
      description: 'Relative share of traffic within the pool.',
    },
    sim: simSettingsSchema,
  },
} as const;

const usdPerMillion = (description: string) => ({ type: 'number', minimum: 0, description: `${description} (USD per million tokens)` }) as const;

/** The meanings of LiteLLM's and Bifrost's price tables (input_cost_per_token ... ×1e6), in camelCase with units. */
export const priceSchema = {
  type: 'object',
  description: "What the pool's tokens cost: token prices, a GPU cost per hour for the effective price, or both.",
  additionalProperties: false,
  properties: {
    inputUsdPerMillion: usdPerMillion('Uncached prompt tokens'),
    outputUsdPerMillion: usdPerMillion('Completion tokens, reasoning tokens included'),
    cachedInputUsdPerMillion: usdPerMillion('Prompt tokens the engine reports served from its prompt cache; default: the input price'),
    cacheWriteUsdPerMillion: usdPerMillion('Prompt tokens the engine reports written to its prompt cache; default: the input price'),
    gpuUsdPerHour: {
      type: 'number',
      exclusiveMinimum: 0,
      description: "One replica's cost per hour, busy or idle: with the engines' token counters it gives the effective price gauge (vllm, tgi, sim pools with engineMetrics on).",
    },
    outputInputCostRatio: {
      type: 'number',
      exclusiveMinimum: 0,
      default: DEFAULTS.price.outputInputCostRatio,
      description: 'Effective price: how many input tokens cost as much GPU time as one output token.',
    },
    effectiveWindowMs: {
      type: 'integer',
      minimum: 60_000,
      default: DEFAULTS.price.effectiveWindowMs,
      description: 'Effective price: the sliding window of GPU cost and tokens served (milliseconds, at least 60000).',
    },
    chargeWith: {
      type: 'string',
      enum: ['static', 'effective'],
      description: 'Which price requests are charged: the token prices (default when set) or the effective price (default with only gpuUsdPerHour).',
    },
  },
} as const;

/** engine "anthropic": Anthropic's Messages API (src/engines/anthropic/). */
export const anthropicSchema = {
  type: 'object',
  description: 'Engine "anthropic" only: how chat completions are sent to the Messages API.',
  additionalProperties: false,
  properties: {
    version: {
      type: 'string',
      enum: ['2023-06-01', '2026-10-21'],
      default: ANTHROPIC_DEFAULTS.version,
      description: 'The anthropic-version header. 2026-10-21 refuses temperature, top_p and top_k, so they are dropped.',
    },
    defaultMaxTokens: count('max_tokens sent when the request sets none (Messages requires it).', ANTHROPIC_DEFAULTS.defaultMaxTokens),
  },
} as const;

/** engine "azure": Azure OpenAI's two ways of addressing a deployment (src/engines/azure.ts). */
export const azureSchema = {
  type: 'object',
  description: 'Engine "azure" only: which API the resource is addressed with; servedModel is the deployment name.',
  additionalProperties: false,
  properties: {
    api: {
      type: 'string',
      enum: ['v1', 'deployments'],
      default: 'v1',
      description: 'v1: /openai/v1/chat/completions with "model" = servedModel. deployments: /openai/deployments/{servedModel}/chat/completions?api-version=….',
    },
    apiVersion: { type: 'string', minLength: 1, description: 'The api-version query parameter, e.g. 2024-10-21; required with api "deployments".' },
  },
} as const;

export const poolSchema = {
  type: 'object',
  description: 'Interchangeable replicas serving the same model.',
  additionalProperties: false,
  required: ['engine', 'servedModel', 'replicas'],
  properties: {
    engine: { type: 'string', enum: ENGINES, description: 'Protocol quirks of the replicas.' },
    servedModel: {
      type: 'string',
      minLength: 1,
      description: 'The model name the replicas serve; replaces the client\'s "model" on the way upstream.',
    },
    apiKeyEnv: {
      type: 'string',
      pattern: ENV_NAME_PATTERN,
      description: 'Name of the environment variable holding the API key: sent as a bearer token (api-key for engine "azure", x-api-key for "anthropic").',
    },
    connectTimeoutMs: milliseconds('TCP/TLS connect timeout', DEFAULTS.pool.connectTimeoutMs),
    firstTokenTimeoutMs: milliseconds(
      'Streams: until the first token (a role-only chunk or an SSE comment is none); a replica that misses it is retried elsewhere',
      DEFAULTS.pool.firstTokenTimeoutMs,
    ),
    idleTimeoutMs: milliseconds(
      "Longest silence between two chunks of a response body: a stream's events after its first token, a non-streaming body once begun",
      DEFAULTS.pool.idleTimeoutMs,
    ),
    responseTimeoutMs: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_TIMER_MS,
      description:
        'Non-streaming: the whole answer, which engines send only when generation ends; a 504 that is neither retried nor counted against the replica. Default: none, server.requestTimeoutMs bounds it (milliseconds)',
    },
    maxConnections: {
      type: 'integer',
      minimum: 1,
      default: DEFAULTS.pool.maxConnections,
      description: 'Connections per replica, and so requests in flight to one replica at most: a replica with a request on each is full and not picked.',
    },
    balance: {
      type: 'string',
      enum: BALANCE_STRATEGIES,
      default: DEFAULTS.pool.balance,
      description: 'How a replica is picked: load-aware (power of two choices on live load), least-in-flight or round-robin.',
    },
    maxInFlight: count('Requests in flight from this router at which a replica counts as saturated.', DEFAULTS.pool.maxInFlight),
    maxEngineQueue: count('Engine queue depth above which a replica counts as saturated.', DEFAULTS.pool.maxEngineQueue, 0),
    contextLength: {
      type: 'integer',
      minimum: 1,
      description:
        "Prompt and output tokens together the served model takes (vLLM's --max-model-len, TGI's --max-total-tokens). Strict budgets then bound the output by it instead of adding max_tokens; default: what the engine reports (vLLM GET /v1/models max_model_len, TGI GET /info max_total_tokens), else unknown.",
    },
    healthCheck: {
      type: 'object',
      description: "Active health checks on the engine's health path.",
      additionalProperties: false,
      properties: {
        intervalMs: interval('Time between checks; default 5000 (vLLM, sim), 15000 (TGI), 0 (openai)'),
        timeoutMs: milliseconds('Time a check may take', DEFAULTS.healthCheck.timeoutMs),
        unhealthyAfter: count('Consecutive failed checks that mark a replica unhealthy.', DEFAULTS.healthCheck.unhealthyAfter),
        healthyAfter: count('Consecutive passed checks that mark it healthy again.', DEFAULTS.healthCheck.healthyAfter),
        path: { type: 'string', pattern: '^/', description: "Overrides the engine's health path (/health; /v1/models for openai)." },
      },
    },
    outlier: {
      type: 'object',
      description: 'Passive ejection of replicas that fail real requests.',
      additionalProperties: false,
      properties: {
        consecutiveFailures: count('Consecutive gateway failures that eject a replica.', DEFAULTS.outlier.consecutiveFailures),
        baseEjectionMs: milliseconds('Ejection time, multiplied by the number of ejections', DEFAULTS.outlier.baseEjectionMs),
        maxEjectionMs: milliseconds('Longest ejection', DEFAULTS.outlier.maxEjectionMs),
        maxEjectedPercent: {
          type: 'number',
          minimum: 0,
          maximum: 100,
          default: DEFAULTS.outlier.maxEjectedPercent,
          description: "Most of a pool's replicas ejected at once (percent).",
        },
      },
    },
    engineMetrics: {
      type: 'object',
      description: "Scraping the engines' /metrics for queue depth and KV-cache use.",
      additionalProperties: false,
      properties: {
        intervalMs: interval('Time between scrapes; default 1000, 0 for openai'),
        timeoutMs: milliseconds('Time a scrape may take', DEFAULTS.engineMetrics.timeoutMs),
        staleAfterMs: milliseconds('Age after which a scrape is unknown (and unknown counts as busy)', DEFAULTS.engineMetrics.staleAfterMs),
      },
    },
    price: priceSchema,
    sim: simSettingsSchema,
    anthropic: anthropicSchema,
    azure: azureSchema,
    apis: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', enum: ['responses', 'messages'] },
      description:
        'Inbound APIs the engine serves itself (responses: vllm, openai, azure v1; messages: vllm, anthropic): their requests are passed through natively instead of translated to chat completions. Default: [] ([messages] for engine "anthropic").',
    },
    replicas: { type: 'array', minItems: 1, items: replicaSchema, description: 'The servers of this pool.' },
  },
} as const;
