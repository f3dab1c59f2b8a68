// The schema of idempotent retries (idempotency): where Idempotency-Key records are kept, how long an
// answer is replayed, and how long a concurrent duplicate waits for the first request.

import { DEFAULTS } from './defaults.js';
import { MAX_TIMER_MS, lifetime } from './schema-parts.js';

export const idempotencySchema = {
  type: 'object',
  description: 'Requests sent with an Idempotency-Key header: the first runs, a retry within ttlMs gets the stored answer and is not charged again.',
  additionalProperties: false,
  properties: {
    store: {
      type: 'string',
      enum: ['memory', 'redis'],
      default: DEFAULTS.idempotency.store,
      description: "memory (one router) or redis (shared by many, through budgets.redis's connection settings).",
    },
    ttlMs: lifetime('How long a finished answer is replayed to retries with the same key', DEFAULTS.idempotency.ttlMs),
    waitMs: {
      type: 'integer',
      minimum: 0,
      maximum: MAX_TIMER_MS,
      description: 'How long a duplicate sent while the first is still running waits for it before a 409 idempotency_key_in_use (milliseconds; default: server.requestTimeoutMs).',
    },
    maxEntryBytes: {
      type: 'integer',
      minimum: 1,
      default: DEFAULTS.idempotency.maxEntryBytes,
      description: 'The largest answer kept for replay (bytes); a larger one is not stored, and its retry runs again.',
    },
    maxBytes: {
      type: 'integer',
      minimum: 1,
      default: DEFAULTS.idempotency.maxBytes,
      description: 'The memory store: bytes of answers kept at most; past it the oldest go first.',
    },
  },
} as const;
