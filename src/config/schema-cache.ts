// The schema of the response cache: each alias opts in with its own `cache` block (models.<alias>.cache),
// and the router-wide `cache` block says where entries live and how long identical requests wait for
// the first. The cache itself is src/cache/.

import { DEFAULTS } from './defaults.js';
import { lifetime, milliseconds } from './schema-parts.js';

/** `key` (the caller's key id), `shared` (every caller), or `metadata:<field>` (callers whose keys share that metadata value). */
export const CACHE_SCOPE_PATTERN = '^(key|shared|metadata:[A-Za-z0-9_.-]{1,64})$';

export const modelCacheSchema = {
  type: 'object',
  description: "Exact-match response cache for this alias: identical requests within ttlMs get the stored answer, not charged to the key's budget.",
  additionalProperties: false,
  properties: {
    ttlMs: lifetime('How long an answer is served again', DEFAULTS.modelCache.ttlMs),
    scope: {
      type: 'string',
      pattern: CACHE_SCOPE_PATTERN,
      default: DEFAULTS.modelCache.scope,
      description:
        'Who shares entries: key (each client key its own; anonymous callers share one), shared (every caller), or metadata:<field> (keys with the same value of that metadata field, e.g. metadata:team; keys without it, or with it empty, keep their own).',
    },
    maxEntryBytes: {
      type: 'integer',
      minimum: 1,
      default: DEFAULTS.modelCache.maxEntryBytes,
      description: 'The largest answer stored (bytes); a larger one is served but not stored (never truncated).',
    },
    deterministicOnly: {
      type: 'boolean',
      default: DEFAULTS.modelCache.deterministicOnly,
      description: 'Cache only chat and completions requests with temperature 0 or a seed (embeddings always qualify).',
    },
  },
} as const;

export const cacheSchema = {
  type: 'object',
  description: 'Where response cache entries live (for aliases with a cache block), shared by the aliases.',
  additionalProperties: false,
  properties: {
    store: {
      type: 'string',
      enum: ['memory', 'redis'],
      default: DEFAULTS.cache.store,
      description: "memory (this router, an LRU bounded by maxBytes) or redis (shared by every router, through budgets.redis's connection settings).",
    },
    maxBytes: {
      type: 'integer',
      minimum: 1,
      default: DEFAULTS.cache.maxBytes,
      description: 'The memory store: bytes of entries kept at most; past it the least recently used go first.',
    },
    lockWaitMs: milliseconds('How long identical concurrent requests wait for the first one to finish before they run themselves', DEFAULTS.cache.lockWaitMs),
  },
} as const;
