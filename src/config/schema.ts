// The router.yaml schema: one JSON Schema (draft-07), built from one constant per section or object
// so later sections slot in beside the others. It describes the *raw* input (everything optional that
// has a default); defaults.ts turns that into the resolved `Config`; validate.ts compiles it once.
// `npm run generate-schema` writes it to config/router.schema.json for editors.

import type { EngineName, LogLevel } from './types.js';
import { DEFAULTS, SIM_DEFAULTS } from './defaults.js';

// ---- raw input types (what validation guarantees, before defaults) ----

export interface RawSimSettings {
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
  description?: string;
}
export interface RawTier {
  pools: string[];
  spillTo?: string;
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
  sim?: RawSimSettings;
  replicas: RawReplica[];
}
export interface RawConfig {
  server?: RawServer;
  logging?: RawLogging;
  models: Record<string, RawModel>;
  tiers: Record<string, RawTier>;
  pools: Record<string, RawPool>;
}

// ---- building blocks ----

export const ENGINES: readonly EngineName[] = ['vllm', 'tgi', 'openai', 'sim'];
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Names that end up in headers, metric labels and default replica names. */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*$';
export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

const milliseconds = (description: string, defaultValue: number) =>
  ({ type: 'integer', minimum: 1, default: defaultValue, description: `${description} (milliseconds)` }) as const;

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
    description: { type: 'string', description: 'Human-readable description of the alias.' },
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
  },
} as const;

export const simSettingsSchema = {
  type: 'object',
  description: 'Simulator behaviour (engine "sim" only). Replica settings override pool settings.',
  additionalProperties: false,
  properties: {
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
    sim: simSettingsSchema,
    replicas: { type: 'array', minItems: 1, items: replicaSchema, description: 'The servers of this pool.' },
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
    models: namedEntries(modelSchema, 'What clients send as "model", by alias.'),
    tiers: namedEntries(tierSchema, 'Classes of capability and cost, by name.', NAME_PATTERN),
    pools: namedEntries(poolSchema, 'Groups of interchangeable replicas, by name.', NAME_PATTERN),
  },
} as const;
