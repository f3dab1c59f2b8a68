// The router.yaml schema: one JSON Schema (draft-07), built from one constant per section or object
// so later sections slot in beside the others. It describes the *raw* input (everything optional that
// has a default); defaults.ts turns that into the resolved `Config`; validate.ts compiles it once.
// `npm run generate-schema` writes it to config/router.schema.json for editors. The sections' own
// schemas live beside it: schema-routing.ts, schema-pools.ts, schema-budgets.ts.

import { DEFAULTS } from './defaults.js';
import { LOG_LEVELS, MODEL_NAME_PATTERN, NAME_PATTERN, count, delay, milliseconds } from './schema-parts.js';
import { poolSchema } from './schema-pools.js';
import { classifierSchema, modelSchema, tierSchema } from './schema-routing.js';
import { authSchema, budgetsSchema } from './schema-budgets.js';
import { cacheSchema } from './schema-cache.js';
import { idempotencySchema } from './schema-idempotency.js';
import { responsesSchema } from './schema-responses.js';

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
    headersTimeoutMs: milliseconds("From a request's first byte until its headers are complete; slower clients get 408", DEFAULTS.server.headersTimeoutMs),
    bodyTimeoutMs: milliseconds("From a request's first byte until its body is complete; slower clients get 408", DEFAULTS.server.bodyTimeoutMs),
    maxHeaderBytes: {
      type: 'integer',
      minimum: 1024,
      default: DEFAULTS.server.maxHeaderBytes,
      description: 'Largest request head (request line and headers); larger ones get 431.',
    },
    maxConnections: count('Open client connections at most; further connections are closed as they arrive.', DEFAULTS.server.maxConnections),
    metricsPort: {
      type: ['integer', 'null'],
      minimum: 0,
      maximum: 65535,
      default: DEFAULTS.server.metricsPort,
      description:
        'A second listener serving /metrics, /healthz and /readyz without auth, for scrapers and probes; null serves /metrics on the API listener behind the admin token.',
    },
    metricsHost: {
      type: ['string', 'null'],
      minLength: 1,
      default: DEFAULTS.server.metricsHost,
      description: "Interface of the metrics listener; null: the API listener's (server.host or HOST).",
    },
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
    backoffBaseMs: delay('Full-jitter backoff base', DEFAULTS.retry.backoffBaseMs),
    backoffMaxMs: delay('Full-jitter backoff cap', DEFAULTS.retry.backoffMaxMs),
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
    cache: cacheSchema,
    idempotency: idempotencySchema,
    responses: responsesSchema,
    defaultModel: {
      type: 'string',
      pattern: MODEL_NAME_PATTERN,
      description: 'The alias that serves requests sent without "model" (as vLLM and TGI default it); without it, "model" is required.',
    },
    models: namedEntries(modelSchema, 'What clients send as "model", by alias.', MODEL_NAME_PATTERN),
    tiers: namedEntries(tierSchema, 'Classes of capability and cost, by name.', NAME_PATTERN),
    pools: namedEntries(poolSchema, 'Groups of interchangeable replicas, by name.', NAME_PATTERN),
  },
} as const;
