// The schema of the OpenAI Responses API's stored responses (responses): where they are kept, for how
// long, how much, and how far back a previous_response_id conversation may reach.

import { DEFAULTS } from './defaults.js';
import { lifetime } from './schema-parts.js';

export const responsesSchema = {
  type: 'object',
  description: 'POST /v1/responses with store (the default): responses kept for GET, DELETE, input_items and previous_response_id, each readable only by the key that made it.',
  additionalProperties: false,
  properties: {
    store: {
      type: 'string',
      enum: ['memory', 'redis'],
      default: DEFAULTS.responses.store,
      description: "memory (this router only: another router cannot see them) or redis (shared by every router, through budgets.redis's connection settings). Chosen at start.",
    },
    ttlMs: lifetime('How long a stored response can be read and continued', DEFAULTS.responses.ttlMs),
    maxBytes: {
      type: 'integer',
      minimum: 1,
      default: DEFAULTS.responses.maxBytes,
      description: 'The memory store: bytes of stored responses kept at most; past it the least recently used go first (read later: 404).',
    },
    maxEntryBytes: {
      type: 'integer',
      minimum: 1,
      default: DEFAULTS.responses.maxEntryBytes,
      description: 'The largest stored response (its JSON record, bytes); a larger one is answered with "store": false and not kept. Chosen at start.',
    },
    maxChainDepth: {
      type: 'integer',
      minimum: 1,
      default: DEFAULTS.responses.maxChainDepth,
      description: 'The most stored responses a previous_response_id conversation reaches back through; a longer one is refused (400).',
    },
  },
} as const;
