// The router.yaml schema: one JSON Schema (draft-07), built from one constant per section or object
// so later sections slot in beside the others. It describes the *raw* input (everything optional that
// has a default); defaults.ts turns that into the resolved `Config`; validate.ts compiles it once.
// `npm run generate-schema` writes it to config/router.schema.json for editors.

import type { Complexity } from '../classify/classification.js';
import { SIGNAL_REASONS } from '../classify/settings.js';
import type { BalanceStrategy, ClassifierMode, EngineName, LogLevel, SimFlavour } from './types.js';
import { DEFAULTS, SIM_DEFAULTS, SIM_FAULT_DEFAULTS } from './defaults.js';

// ---- raw input types (what validation guarantees, before defaults) ----

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
}
export interface RawClassifier {
  mode?: ClassifierMode;
  heuristic?: {
    weights?: Partial<Record<keyof typeof SIGNAL_REASONS, number>>;
    thresholds?: { simpleBelow?: number; complexFrom?: number; effortCap?: number };
    length?: { floorChars?: number; capDoublings?: number };
    maxTokens?: { short?: number; long?: number };
    window?: { headChars?: number; tailChars?: number; contextChars?: number; contextMessages?: number };
  };
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
export interface RawPool {
  engine: EngineName;
  servedModel: string;
  apiKeyEnv?: string;
  connectTimeoutMs?: number;
  firstByteTimeoutMs?: number;
  idleTimeoutMs?: number;
  maxConnections?: number;
  balance?: BalanceStrategy;
  maxInFlight?: number;
  maxEngineQueue?: number;
  healthCheck?: { intervalMs?: number; timeoutMs?: number; unhealthyAfter?: number; healthyAfter?: number; path?: string };
  outlier?: { consecutiveFailures?: number; baseEjectionMs?: number; maxEjectionMs?: number; maxEjectedPercent?: number };
  engineMetrics?: { intervalMs?: number; timeoutMs?: number; staleAfterMs?: number };
  sim?: RawSimSettings;
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
  redis?: { url?: string; urlEnv?: string; keyPrefix?: string; commandTimeoutMs?: number };
  budgetMode?: 'strict' | 'tight';
  onStoreError?: 'fail-closed' | 'fail-open';
  degradeAt?: number | null;
  maxOutputTokens?: number;
  topUpTokens?: number;
  reservationTtlMs?: number;
}
export interface RawConfig {
  server?: RawServer;
  logging?: RawLogging;
  retry?: RawRetry;
  classifier?: RawClassifier;
  auth?: RawAuth;
  budgets?: RawBudgets;
  models: Record<string, RawModel>;
  tiers: Record<string, RawTier>;
  pools: Record<string, RawPool>;
}

// ---- building blocks ----

export const ENGINES: readonly EngineName[] = ['vllm', 'tgi', 'openai', 'sim'];
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const BALANCE_STRATEGIES: readonly BalanceStrategy[] = ['load-aware', 'least-in-flight', 'round-robin'];
export const SIM_FLAVOURS: readonly SimFlavour[] = ['vllm', 'tgi'];

/** Model aliases are echoed in a response header: printable ASCII, no spaces. */
export const MODEL_NAME_PATTERN = '^[!-~]+$';
/** Names that end up in headers, metric labels and default replica names. */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*$';
export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
/** Key ids name Redis hash tags, so they are kept to a safe alphabet. */
export const KEY_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
export const SHA256_PATTERN = '^[0-9a-f]{64}$';

const milliseconds = (description: string, defaultValue: number) =>
  ({ type: 'integer', minimum: 1, default: defaultValue, description: `${description} (milliseconds)` }) as const;

/** Durations that may be 0 to turn a periodic activity off. */
const interval = (description: string) =>
  ({ type: 'integer', minimum: 0, description: `${description} (milliseconds; 0 turns it off)` }) as const;
const count = (description: string, defaultValue: number, minimum = 1) =>
  ({ type: 'integer', minimum, default: defaultValue, description }) as const;
const share = (description: string, defaultValue: number) =>
  ({ type: 'number', minimum: 0, maximum: 1, default: defaultValue, description }) as const;

const nameList = (what: string, description: string) =>
  ({
    type: 'array',
    minItems: 1,
    uniqueItems: true,
    items: { type: 'string', minLength: 1, description: `Name of a ${what}.` },
    description,
  }) as const;

// ---- one constant per object ----

export const serverSchema = {
  type: 'object',
  description: 'The HTTP listener.',
  additionalProperties: false,
  properties: {
    host: { type: 'string', minLength: 1, default: DEFAULTS.server.host, description: 'Interface to listen on.' },
    port: { type: 'integer', minimum: 0, maximum: 65535, default: DEFAULTS.server.port, description: 'TCP port (0 picks a free one).' },
    maxBodyBytes: {
      type: 'integer',
      minimum: 1,
      default: DEFAULTS.server.maxBodyBytes,
      description: 'Largest request body accepted; larger ones get 413 without being buffered.',
    },
    requestTimeoutMs: milliseconds('One deadline for a whole request, every attempt included', DEFAULTS.server.requestTimeoutMs),
    shutdownGraceMs: milliseconds('On SIGTERM, how long in-flight requests may take to finish', DEFAULTS.server.shutdownGraceMs),
  },
} as const;

export const loggingSchema = {
  type: 'object',
  description: 'Log output.',
  additionalProperties: false,
  properties: {
    level: { type: 'string', enum: LOG_LEVELS, default: DEFAULTS.logging.level, description: 'Lowest level written.' },
  },
} as const;

export const modelSchema = {
  type: 'object',
  description: 'A model alias clients can send.',
  additionalProperties: false,
  required: ['tiers'],
  properties: {
    tiers: nameList('tier', 'Tiers this alias may be served by, cheapest first.'),
    classify: { type: 'boolean', default: false, description: 'Classify each request and serve it from route[class].' },
    route: {
      type: 'object',
      description: 'Complexity class → tier. Default: simple and moderate to the first tier, complex to the last (with three tiers, one each).',
      additionalProperties: false,
      properties: {
        simple: { type: 'string', minLength: 1, description: 'Tier for simple requests (greetings, single facts).' },
        moderate: { type: 'string', minLength: 1, description: 'Tier for moderate requests (explanations, summaries).' },
        complex: { type: 'string', minLength: 1, description: 'Tier for complex requests (code, multi-step math and reasoning).' },
      },
    },
    allowTierHeader: {
      type: 'boolean',
      default: false,
      description: "Let clients pin one of this alias's tiers with the x-switchyard-tier header.",
    },
    description: { type: 'string', description: 'Human-readable description of the alias.' },
  },
} as const;

const points = (description: string) => ({ type: 'number', description }) as const;
const positive = (description: string) => ({ type: 'integer', minimum: 1, description }) as const;

export const classifierSchema = {
  type: 'object',
  description: 'How requests to aliases with classify: true are classified.',
  additionalProperties: false,
  properties: {
    mode: {
      type: 'string',
      enum: ['heuristic', 'embeddings', 'llm'],
      default: 'heuristic',
      description: 'heuristic (no model needed), embeddings (nearest prototype) or llm (a small model labels it); the last two fall back to the heuristic.',
    },
    heuristic: {
      type: 'object',
      description: 'Weights and thresholds of the heuristic; each key overrides the tuned default.',
      additionalProperties: false,
      properties: {
        weights: {
          type: 'object',
          additionalProperties: false,
          description: 'Points per unit of evidence of each signal.',
          properties: Object.fromEntries(
            Object.entries(SIGNAL_REASONS).map(([name, reason]) => [name, points(`Points per unit of the "${reason}" signal.`)]),
          ),
        },
        thresholds: {
          type: 'object',
          additionalProperties: false,
          description: 'score < simpleBelow → simple; score ≥ complexFrom → complex; effort signals add at most effortCap.',
          properties: {
            simpleBelow: points('Scores below this are simple.'),
            complexFrom: points('Scores from this up are complex.'),
            effortCap: points('Most points that effort signals (length, sentences, lists...) add together.'),
          },
        },
        length: {
          type: 'object',
          additionalProperties: false,
          description: 'Length evidence: log2(characters / floorChars), at most capDoublings.',
          properties: {
            floorChars: positive('Characters below which length is no evidence.'),
            capDoublings: positive('Most doublings of length that count.'),
          },
        },
        maxTokens: {
          type: 'object',
          additionalProperties: false,
          description: 'What max_tokens says about the answer wanted.',
          properties: {
            short: positive('max_tokens at or below this asks for a short answer.'),
            long: positive('max_tokens at or above this asks for a long one.'),
          },
        },
        window: {
          type: 'object',
          additionalProperties: false,
          description: 'How much of a request is read, whatever its size.',
          properties: {
            headChars: positive('Characters read from the start of the last user turn.'),
            tailChars: positive('Characters read from its end.'),
            contextChars: positive('Characters read from earlier turns.'),
            contextMessages: positive('Earlier turns read.'),
          },
        },
      },
    },
    embeddings: {
      type: 'object',
      description: 'The embeddings mode: a pool to embed with, and example prompts per class.',
      additionalProperties: false,
      required: ['pool', 'examples'],
      properties: {
        pool: { type: 'string', minLength: 1, description: 'A pool serving an embeddings model.' },
        timeoutMs: milliseconds('Longest wait for the embedding of a request', DEFAULTS.classifier.embeddingsTimeoutMs),
        examples: {
          type: 'object',
          additionalProperties: false,
          required: ['simple', 'moderate', 'complex'],
          description: 'Example prompts per class; a request takes the class of the nearest centroid.',
          properties: Object.fromEntries(
            ['simple', 'moderate', 'complex'].map((name) => [
              name,
              { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, description: `Example ${name} prompts.` },
            ]),
          ),
        },
      },
    },
    llm: {
      type: 'object',
      description: 'The llm mode: a small chat pool that labels each request.',
      additionalProperties: false,
      required: ['pool'],
      properties: {
        pool: { type: 'string', minLength: 1, description: 'A chat pool (a small model) that labels requests.' },
        timeoutMs: milliseconds('Longest wait for the label', DEFAULTS.classifier.llmTimeoutMs),
      },
    },
  },
} as const;

export const tierSchema = {
  type: 'object',
  description: 'A class of capability and cost.',
  additionalProperties: false,
  required: ['pools'],
  properties: {
    pools: nameList('pool', 'Pools in fallback order.'),
    spillTo: { type: 'string', minLength: 1, description: 'The tier to use when this one is exhausted or saturated.' },
    price: {
      type: 'number',
      minimum: 0,
      description: 'Relative price of a request served here (same unit for every tier); used by eval:classifier to estimate savings.',
    },
  },
} as const;

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
    faults: simFaultsSchema,
    ttftMs: { type: 'integer', minimum: 0, default: SIM_DEFAULTS.ttftMs, description: 'Time to first token for an idle replica (milliseconds).' },
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
      description: 'Name of the environment variable holding the API key sent as a bearer token.',
    },
    connectTimeoutMs: milliseconds('TCP/TLS connect timeout', DEFAULTS.pool.connectTimeoutMs),
    firstByteTimeoutMs: milliseconds('Until the first response byte', DEFAULTS.pool.firstByteTimeoutMs),
    idleTimeoutMs: milliseconds('Longest silence allowed between two chunks of a response body', DEFAULTS.pool.idleTimeoutMs),
    maxConnections: {
      type: 'integer',
      minimum: 1,
      default: DEFAULTS.pool.maxConnections,
      description: 'Keep-alive connections per replica.',
    },
    balance: {
      type: 'string',
      enum: BALANCE_STRATEGIES,
      default: DEFAULTS.pool.balance,
      description: 'How a replica is picked: load-aware (power of two choices on live load), least-in-flight or round-robin.',
    },
    maxInFlight: count('Requests in flight from this router at which a replica counts as saturated.', DEFAULTS.pool.maxInFlight),
    maxEngineQueue: count('Engine queue depth above which a replica counts as saturated.', DEFAULTS.pool.maxEngineQueue, 0),
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
    sim: simSettingsSchema,
    replicas: { type: 'array', minItems: 1, items: replicaSchema, description: 'The servers of this pool.' },
  },
} as const;

export const retrySchema = {
  type: 'object',
  description: 'Retries before the first byte reaches the client, always on another replica.',
  additionalProperties: false,
  properties: {
    maxAttempts: count('Attempts per request, the first included.', DEFAULTS.retry.maxAttempts),
    budgetPercent: {
      type: 'number',
      minimum: 0,
      default: DEFAULTS.retry.budgetPercent,
      description: 'Retries may add at most this share (percent) of the recent request rate.',
    },
    minRetriesPerSecond: count('Retries per second allowed whatever the budget says.', DEFAULTS.retry.minRetriesPerSecond, 0),
    backoffBaseMs: count('Full-jitter backoff base (milliseconds).', DEFAULTS.retry.backoffBaseMs, 0),
    backoffMaxMs: count('Full-jitter backoff cap (milliseconds).', DEFAULTS.retry.backoffMaxMs, 0),
  },
} as const;

const tokenLimit = (description: string) => ({ type: 'integer', minimum: 1, description }) as const;

export const keyLimitsSchema = {
  type: 'object',
  description: 'Limits of one key; a limit left out is unlimited. Token periods are calendar-aligned in UTC.',
  additionalProperties: false,
  properties: {
    tokensPerMinute: tokenLimit('Tokens (prompt + completion) per calendar minute.'),
    tokensPerDay: tokenLimit('Tokens per UTC day.'),
    tokensPerMonth: tokenLimit('Tokens per UTC month.'),
    tokensLifetime: tokenLimit('Tokens over the key\'s lifetime.'),
    requestsPerMinute: tokenLimit('Requests per calendar minute.'),
    maxConcurrent: tokenLimit('Requests in flight at once.'),
  },
} as const;

export const declaredKeySchema = {
  type: 'object',
  description: 'A client key declared by the SHA-256 of its secret; the secret itself never goes in this file.',
  additionalProperties: false,
  required: ['id', 'hash'],
  properties: {
    id: { type: 'string', pattern: KEY_ID_PATTERN, description: 'Stable id (letters, digits, "_" and "-", at most 64).' },
    name: { type: 'string', minLength: 1, description: 'Human-readable name (default: the id).' },
    hash: { type: 'string', pattern: SHA256_PATTERN, description: 'SHA-256 of the secret, 64 lowercase hex digits.' },
    prefix: { type: 'string', maxLength: 16, description: 'The first characters of the secret, shown in lists.' },
    enabled: { type: 'boolean', default: true, description: 'A disabled key is refused.' },
    models: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', minLength: 1 },
      uniqueItems: true,
      description: 'Model aliases it may use (default: all; leave it out rather than list none).',
    },
    tiers: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', minLength: 1 },
      uniqueItems: true,
      description: 'Tiers it may reach (default: all; leave it out rather than list none).',
    },
    maxTokensPerRequest: tokenLimit('Largest max_tokens a request may ask for.'),
    limits: keyLimitsSchema,
    metadata: { type: 'object', additionalProperties: { type: 'string' }, description: 'Free-form string labels.' },
  },
} as const;

export const authSchema = {
  type: 'object',
  description: 'Client API keys.',
  additionalProperties: false,
  properties: {
    required: { type: 'boolean', default: false, description: 'Every inference call needs a valid key.' },
    keys: { type: 'array', items: declaredKeySchema, description: 'Keys declared here, besides those created through the admin API.' },
  },
} as const;

export const budgetsSchema = {
  type: 'object',
  description: 'Where per-key usage is kept, and how budgets are enforced.',
  additionalProperties: false,
  properties: {
    store: { type: 'string', enum: ['memory', 'redis'], default: 'memory', description: 'memory (one router) or redis (shared by many).' },
    redis: {
      type: 'object',
      description: 'The Redis store.',
      additionalProperties: false,
      properties: {
        url: { type: 'string', pattern: '^rediss?://', description: 'redis://host:port/db (no password here; use urlEnv for one).' },
        urlEnv: { type: 'string', pattern: ENV_NAME_PATTERN, description: 'Name of the environment variable holding the URL.' },
        keyPrefix: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,32}$', default: 'sy', description: 'Namespace of the Redis keys.' },
        commandTimeoutMs: milliseconds('Longest wait for one Redis command', 1000),
      },
    },
    budgetMode: {
      type: 'string',
      enum: ['strict', 'tight'],
      default: 'strict',
      description: 'strict: reserve an upper bound, never overspend; tight: reserve an estimate and top up during streams.',
    },
    onStoreError: {
      type: 'string',
      enum: ['fail-closed', 'fail-open'],
      default: 'fail-closed',
      description: 'When the store cannot answer: refuse metered requests, or let them through unmetered.',
    },
    degradeAt: {
      type: ['number', 'null'],
      minimum: 0,
      maximum: 1,
      default: 0.8,
      description: "Past this share of a token budget, a key's classified requests go to the alias's first tier; null turns it off.",
    },
    maxOutputTokens: {
      ...tokenLimit('Output tokens reserved when a request sets no max_tokens (strict mode also caps the request there).'),
      default: DEFAULTS.budgets.maxOutputTokens,
    },
    topUpTokens: { ...tokenLimit('Tight mode: output tokens reserved up front, and each top-up during a stream.'), default: DEFAULTS.budgets.topUpTokens },
    reservationTtlMs: milliseconds(
      'A reservation not settled by then is reclaimed (its router died); must exceed server.requestTimeoutMs. Default: the larger of 900000 and requestTimeoutMs + 60000',
      900_000,
    ),
  },
} as const;

/** A mapping from a name to entries of one schema. */
const namedEntries = (entry: object, description: string, keyPattern?: string) =>
  ({
    type: 'object',
    minProperties: 1,
    propertyNames: keyPattern === undefined ? { minLength: 1 } : { pattern: keyPattern },
    additionalProperties: entry,
    description,
  }) as const;

export const routerSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'urn:switchyard:router.yaml',
  title: 'Switchyard router.yaml',
  description: 'Configuration of the Switchyard model router: models → tiers → pools → replicas.',
  type: 'object',
  additionalProperties: false,
  required: ['models', 'tiers', 'pools'],
  properties: {
    server: serverSchema,
    logging: loggingSchema,
    retry: retrySchema,
    classifier: classifierSchema,
    auth: authSchema,
    budgets: budgetsSchema,
    models: namedEntries(modelSchema, 'What clients send as "model", by alias.', MODEL_NAME_PATTERN),
    tiers: namedEntries(tierSchema, 'Classes of capability and cost, by name.', NAME_PATTERN),
    pools: namedEntries(poolSchema, 'Groups of interchangeable replicas, by name.', NAME_PATTERN),
  },
} as const;
