// The router.yaml schema: one JSON Schema (draft-07), built from one constant per section or object
// so later sections slot in beside the others. It describes the *raw* input (everything optional that
// has a default); defaults.ts turns that into the resolved `Config`. Ajv compiles it once, at module
// load, and its errors are translated here into messages that start with the offending path.
// `npm run generate-schema` writes it to config/router.schema.json for editors.

import { Ajv, type ErrorObject } from 'ajv';
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

/** How each pattern is explained in an error message (the raw regex helps nobody). */
const PATTERN_HINTS: Readonly<Record<string, string>> = {
  [NAME_PATTERN]: 'must start with a letter or digit and contain only letters, digits, ".", "_" and "-"',
  [ENV_NAME_PATTERN]: 'must be an environment variable name such as OPENAI_API_KEY',
};

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

// ---- validation ----

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
const validate = ajv.compile<RawConfig>(routerSchema);

export type SchemaResult = { ok: true; value: RawConfig } | { ok: false; errors: string[] };

export function validateSchema(data: unknown): SchemaResult {
  if (validate(data)) return { ok: true, value: data };
  const messages = (validate.errors ?? []).map((error) => describeError(error, data));
  return { ok: false, errors: [...new Set(messages.filter((m): m is string => m !== undefined))] };
}

/** `a.b[0].c`; keys that are not plain words are quoted (`models["gpt-4.1"].tiers`). */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** A value as it appears in a message: short, JSON-ish, and with its YAML kind for containers. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Turns a JSON pointer into path segments, using the data to tell list indexes from keys. */
function segmentsOf(pointer: string, root: unknown): (string | number)[] {
  if (pointer === '') return [];
  const segments: (string | number)[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      segments.push(Number(key));
      node = node[Number(key)];
    } else {
      segments.push(key);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return segments;
}

const SINGULAR: Readonly<Record<string, string>> = { models: 'model', tiers: 'tier', pools: 'pool', replicas: 'replica' };

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** "an integer from 0 to 65535", "an integer of at least 1", "a number greater than 0", ... */
function expectation(schema: Record<string, unknown>): string {
  const type = typeof schema.type === 'string' ? schema.type : 'value';
  const base = TYPE_WORDS[type] ?? type;
  const { minimum, maximum, exclusiveMinimum } = schema;
  if (typeof minimum === 'number' && typeof maximum === 'number') return `${base} from ${minimum} to ${maximum}`;
  if (typeof minimum === 'number') return `${base} of at least ${minimum}`;
  if (typeof exclusiveMinimum === 'number') return `${base} greater than ${exclusiveMinimum}`;
  if (typeof maximum === 'number') return `${base} of at most ${maximum}`;
  return base;
}

function describeError(error: ErrorObject, root: unknown): string | undefined {
  const segments = segmentsOf(error.instancePath, root);
  const parent: Record<string, unknown> = isRecord(error.parentSchema) ? error.parentSchema : {};
  const at = (extra: readonly (string | number)[], message: string) => {
    const path = formatPath([...segments, ...extra]);
    return path === '' ? message : `${path}: ${message}`;
  };
  const last = segments[segments.length - 1];
  const section = typeof last === 'string' ? SINGULAR[last] : undefined;
  const params: Record<string, unknown> = error.params;

  switch (error.keyword) {
    case 'additionalProperties': {
      const allowed = isRecord(parent.properties) ? Object.keys(parent.properties).join(', ') : '';
      return at([String(params.additionalProperty)], `unknown key (allowed: ${allowed})`);
    }
    case 'required': {
      const missing = String(params.missingProperty);
      if (segments.length === 0 && SINGULAR[missing] !== undefined) return `${missing}: must define at least one ${SINGULAR[missing]}`;
      return at([missing], 'required key is missing');
    }
    case 'minProperties':
      return at([], `must define at least one ${section ?? 'entry'}`);
    case 'minItems':
      return at([], `must list at least one ${section ?? 'entry'}`);
    case 'uniqueItems': {
      const items = Array.isArray(error.data) ? error.data : [];
      const [i, j] = [Number(params.j), Number(params.i)].sort((a, b) => a - b);
      return at([], `${show(items[i ?? 0])} is listed twice (entries ${i} and ${j})`);
    }
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues.join(', ') : '';
      return at([], `must be one of ${allowed} (got ${show(error.data)})`);
    }
    case 'type':
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
      return at([], `must be ${expectation(parent)} (got ${show(error.data)})`);
    case 'minLength':
      if (error.propertyName !== undefined) return at([], `${section ?? 'key'} names must not be empty`);
      return at([], 'must not be empty');
    case 'pattern': {
      const pattern = String(params.pattern);
      const hint = PATTERN_HINTS[pattern] ?? `must match ${pattern}`;
      // Inside propertyNames the offending thing is a key of this mapping, not a value.
      if (error.propertyName !== undefined) return at([], `invalid ${section ?? 'key'} name ${show(error.propertyName)}: ${hint}`);
      return at([], `${hint} (got ${show(error.data)})`);
    }
    case 'propertyNames':
      // Always accompanied by the failing inner keyword (pattern, minLength), which says more.
      return undefined;
    default:
      return at([], error.message ?? 'is invalid');
  }
}
