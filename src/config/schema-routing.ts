// The schema of the routing layers: model aliases (with classification), tiers, and the classifier.

import { DEFAULTS } from './defaults.js';
import { count, milliseconds, nameList, share } from './schema-parts.js';
import { modelCacheSchema } from './schema-cache.js';
import { SIGNAL_REASONS } from '../classify/settings.js';
import { DEFAULT_FLOORS, type FloorName } from '../classify/floors.js';

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
    cache: modelCacheSchema,
    anthropicModels: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', minLength: 1, description: 'An Anthropic model name, matched exactly.' },
      description: 'Anthropic model names (claude-…) this alias also answers to on POST /v1/messages and /v1/messages/count_tokens; each name may belong to one alias only.',
    },
  },
} as const;

const points = (description: string) => ({ type: 'number', description }) as const;
const positive = (description: string) => ({ type: 'integer', minimum: 1, description }) as const;
const floor = (name: FloorName, description: string) =>
  ({ enum: ['simple', 'moderate', 'complex', null], default: DEFAULT_FLOORS[name], description: `${description}; null: no floor.` }) as const;

export const classifierSchema = {
  type: 'object',
  description: 'How requests to aliases with classify: true are classified.',
  additionalProperties: false,
  properties: {
    mode: {
      type: 'string',
      enum: ['learned', 'heuristic', 'embeddings', 'llm'],
      default: 'learned',
      description:
        'learned (the bundled model, weights read at load), heuristic (hand-tuned rules), embeddings (nearest prototype) or llm (a small model labels it); all but heuristic fall back to the heuristic.',
    },
    learned: {
      type: 'object',
      description: 'The learned mode: a model trained on the corpus (npm run train:classifier) and thresholds on its class probabilities.',
      additionalProperties: false,
      properties: {
        weights: {
          type: 'string',
          minLength: 1,
          description:
            "The weights file, read at start and at every reload; a relative path is resolved against this file's directory. Default: the bundled models/complexity.json.",
        },
        complexFrom: share('P(complex) from which a request is complex: the cost/quality dial (README: the curve)', DEFAULTS.classifier.learned.complexFrom),
        simpleFrom: share('Otherwise P(simple) from which it is simple; below it, moderate', DEFAULTS.classifier.learned.simpleFrom),
        heuristicWeight: share(
          "The heuristic's share of the vote, blended into the model's probabilities before the thresholds (0: the model alone; README: how well it routes)",
          DEFAULTS.classifier.learned.heuristicWeight,
        ),
      },
    },
    floors: {
      type: 'object',
      description: 'Minimum classes for what a request asks besides its words, applied after every mode; each key overrides one default.',
      additionalProperties: false,
      properties: {
        image: floor('image', 'Image or video parts (image_url, input_image, video_url)'),
        audio: floor('audio', 'Audio parts (input_audio, audio_url)'),
        reasoningHigh: floor('reasoningHigh', 'reasoning_effort (or reasoning.effort) high or xhigh'),
        reasoningMedium: floor('reasoningMedium', 'reasoning_effort medium (a high effort meets it too)'),
        tools: floor('tools', 'Tools offered (unless tool_choice is none), or tool calls and results in the thread'),
        jsonSchema: floor('jsonSchema', 'response_format (or text.format) json_schema, or guided_json'),
        longContext: floor('longContext', 'An estimated prompt of at least longContextTokens'),
        longContextTokens: count('Estimated prompt tokens (4 characters a token) from which longContext applies.', DEFAULT_FLOORS.longContextTokens),
      },
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
          properties: Object.fromEntries(Object.entries(SIGNAL_REASONS).map(([name, reason]) => [name, points(`Points per unit of the "${reason}" signal.`)])),
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
