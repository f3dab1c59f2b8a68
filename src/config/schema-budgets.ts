// The schema of client keys (auth) and how their budgets are kept and enforced (budgets).

import { DEFAULTS } from './defaults.js';
import { ENV_NAME_PATTERN, KEY_ID_PATTERN, SHA256_PATTERN, milliseconds } from './schema-parts.js';

const redisUrl = (description: string) => ({ type: 'string', pattern: '^rediss?://', description }) as const;
/** At most 2^53 - 1: the stores count in integers JavaScript and Lua hold exactly (a larger limit was a 500 from the store). */
const tokenLimit = (description: string) => ({ type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description }) as const;
/**
 * Decimal USD, kept as integer nano-USD (rounded to a billionth of a dollar): at least one nano-USD
 * (less would round to a budget of nothing), at most $9M, the most nano-USD counters keep exactly (2^53).
 */
const usdLimit = (description: string) => ({ type: 'number', minimum: 1e-9, maximum: 9_000_000, description }) as const;

export const keyLimitsSchema = {
  type: 'object',
  description: 'Limits of one key; a limit left out is unlimited. Token periods are calendar-aligned in UTC.',
  additionalProperties: false,
  properties: {
    tokensPerMinute: tokenLimit('Tokens (prompt + completion) per calendar minute.'),
    tokensPerDay: tokenLimit('Tokens per UTC day.'),
    tokensPerMonth: tokenLimit('Tokens per UTC month.'),
    tokensLifetime: tokenLimit("Tokens over the key's lifetime."),
    requestsPerMinute: tokenLimit('Requests per calendar minute.'),
    maxConcurrent: tokenLimit('Requests in flight at once.'),
    usdPerDay: usdLimit('Dollars per UTC day, at the prices of the pools that serve the key.'),
    usdPerMonth: usdLimit('Dollars per UTC month.'),
    usdLifetime: usdLimit("Dollars over the key's lifetime."),
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
        url: { type: 'string', pattern: '^rediss?://', description: 'One node: redis://host:port/db, or rediss:// for TLS (no password here; use passwordEnv or urlEnv).' },
        urlEnv: { type: 'string', pattern: ENV_NAME_PATTERN, description: 'One node: name of the environment variable holding the URL.' },
        cluster: {
          type: 'object',
          description: 'Redis Cluster (instead of url): seed nodes; the client discovers the others.',
          additionalProperties: false,
          required: ['nodes'],
          properties: {
            nodes: { type: 'array', minItems: 1, items: redisUrl('A seed node, redis://host:port (rediss:// for TLS).'), description: 'Seed nodes, one scheme for all.' },
          },
        },
        sentinel: {
          type: 'object',
          description: 'Redis Sentinel (instead of url): the sentinels tell the client where the master is.',
          additionalProperties: false,
          required: ['masterName', 'sentinels'],
          properties: {
            masterName: { type: 'string', minLength: 1, description: 'The name the sentinels monitor the master by.' },
            sentinels: { type: 'array', minItems: 1, items: redisUrl('A sentinel, redis://host:26379 (rediss:// for TLS).'), description: 'Sentinels, one scheme for all.' },
            db: { type: 'integer', minimum: 0, description: 'Database number on the master (default 0).' },
            usernameEnv: { type: 'string', pattern: ENV_NAME_PATTERN, description: "Name of the environment variable holding the sentinels' own ACL user." },
            passwordEnv: { type: 'string', pattern: ENV_NAME_PATTERN, description: "Name of the environment variable holding the sentinels' own password." },
          },
        },
        tls: {
          type: 'object',
          description: 'PEM files for rediss:// connections, read at load; relative paths are relative to this file.',
          additionalProperties: false,
          properties: {
            ca: { type: 'string', minLength: 1, description: "CA certificate(s) to verify the server with (default: Node's trusted CAs)." },
            cert: { type: 'string', minLength: 1, description: 'Client certificate, for servers that require one (with key).' },
            key: { type: 'string', minLength: 1, description: 'Private key of the client certificate.' },
          },
        },
        usernameEnv: { type: 'string', pattern: ENV_NAME_PATTERN, description: 'Name of the environment variable holding the ACL user (needs passwordEnv).' },
        passwordEnv: { type: 'string', pattern: ENV_NAME_PATTERN, description: 'Name of the environment variable holding the password (AUTH).' },
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
      ...tokenLimit(
        "Output tokens reserved when a request sets no max_tokens; strict mode sends it upstream (capped by the key's maxTokensPerRequest) to pools whose context length does not bound the output.",
      ),
      default: DEFAULTS.budgets.maxOutputTokens,
    },
    imageTokens: {
      ...tokenLimit('Strict: prompt tokens reserved per image part; at least what the served model makes of one image.'),
      default: DEFAULTS.budgets.imageTokens,
    },
    audioTokens: {
      ...tokenLimit('Strict: prompt tokens reserved per audio part (or its base64 length, when larger).'),
      default: DEFAULTS.budgets.audioTokens,
    },
    topUpTokens: { ...tokenLimit('Tight mode: output tokens reserved up front, and each top-up during a stream.'), default: DEFAULTS.budgets.topUpTokens },
    reservationTtlMs: milliseconds(
      'A reservation not settled by then is reclaimed (its router died); must exceed server.requestTimeoutMs. Default: the larger of 900000 and requestTimeoutMs + 60000',
      900_000,
    ),
  },
} as const;
