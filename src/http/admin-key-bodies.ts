// The bodies of POST /admin/keys and PATCH /admin/keys/{id}: one ajv schema each, compiled once at
// module load, and ajv's errors turned into one OpenAI envelope whose `param` is the field at fault.
import { Ajv, type ErrorObject } from 'ajv';
import { KEY_ID_PATTERN } from '../config/schema-parts.js';
import type { Config } from '../config/types.js';
import { formatPath } from '../config/validate.js';
import { RouterError } from '../openai/errors.js';

/** A limit is a positive integer; null (in a body) says unlimited, unlike router.yaml where it is left out. */
const limit = { type: ['integer', 'null'], minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
/**
 * Bounds on the free text a key carries: every router keeps every key in memory and lists them all in
 * one answer, so a few oversized keys could take a router's heap (--max-old-space-size).
 */
const MAX_TEXT = 256;
const MAX_NAMES = 256;
const MAX_METADATA = 64;
const MAX_METADATA_NAME = 64;
const MAX_METADATA_VALUE = 512;
const names = { type: ['array', 'null'], items: { type: 'string', minLength: 1, maxLength: MAX_TEXT }, maxItems: MAX_NAMES, uniqueItems: true } as const;
const LIMIT_NAMES = ['tokensPerMinute', 'tokensPerDay', 'tokensPerMonth', 'tokensLifetime', 'requestsPerMinute', 'maxConcurrent'] as const;
/** Dollar limits: decimal USD as router.yaml takes them (schema-budgets.ts), null for unlimited. */
const usdLimit = { type: ['number', 'null'], minimum: 1e-9, maximum: 9_000_000 } as const;
const USD_LIMIT_NAMES = ['usdPerDay', 'usdPerMonth', 'usdLifetime'] as const;

const editable = {
  name: { type: 'string', minLength: 1, maxLength: MAX_TEXT },
  enabled: { type: 'boolean' },
  models: names,
  tiers: names,
  maxTokensPerRequest: limit,
  limits: {
    type: 'object',
    additionalProperties: false,
    properties: { ...Object.fromEntries(LIMIT_NAMES.map((name) => [name, limit])), ...Object.fromEntries(USD_LIMIT_NAMES.map((name) => [name, usdLimit])) },
  },
  metadata: {
    type: 'object',
    maxProperties: MAX_METADATA,
    propertyNames: { maxLength: MAX_METADATA_NAME },
    additionalProperties: { type: 'string', maxLength: MAX_METADATA_VALUE },
  },
} as const;

export type LimitsPatch = Partial<Record<(typeof LIMIT_NAMES)[number] | (typeof USD_LIMIT_NAMES)[number], number | null>>;

export interface KeyPatchBody {
  name?: string;
  enabled?: boolean;
  models?: string[] | null;
  tiers?: string[] | null;
  maxTokensPerRequest?: number | null;
  limits?: LimitsPatch;
  metadata?: Record<string, string>;
}

export interface KeyCreateBody extends KeyPatchBody {
  name: string;
  id?: string;
}

// verbose: errors carry the offending value and schema, which the messages quote.
const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
const validateCreate = ajv.compile<KeyCreateBody>({
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { id: { type: 'string', pattern: KEY_ID_PATTERN }, ...editable },
});
const validatePatch = ajv.compile<KeyPatchBody>({ type: 'object', additionalProperties: false, properties: editable });

export function parseCreateBody(body: unknown, config: Config): KeyCreateBody {
  if (!validateCreate(body)) throw invalidBody(validateCreate.errors, body);
  checkReferences(body, config);
  return body;
}

export function parsePatchBody(body: unknown, config: Config): KeyPatchBody {
  if (!validatePatch(body)) throw invalidBody(validatePatch.errors, body);
  checkReferences(body, config);
  return body;
}

/** Restrictions must name aliases and tiers of the config in force, or the key could never be used as meant. */
function checkReferences(body: KeyPatchBody, config: Config): void {
  for (const [field, known] of [
    ['models', config.models],
    ['tiers', config.tiers],
  ] as const) {
    body[field]?.forEach((name, i) => {
      if (Object.hasOwn(known, name)) return;
      const what = field === 'models' ? 'model alias' : 'tier';
      throw new RouterError('invalid_request', `Unknown ${what} ${JSON.stringify(name)} in '${field}' (known: ${Object.keys(known).join(', ')}).`, {
        param: `${field}[${i}]`,
      });
    });
  }
}

/** All problems in one message; `param` names the first, so a client can point at it. */
function invalidBody(errors: ErrorObject[] | null | undefined, body: unknown): RouterError {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return new RouterError('invalid_request', 'The request body must be a JSON object.');
  }
  // A name a propertyNames schema refused is told by that schema's own error (maxLength): its summary is left out.
  const problems = (errors ?? []).filter((error) => error.keyword !== 'propertyNames').map((error) => describe(error, body));
  return new RouterError('invalid_request', problems.map((problem) => problem.message).join(' '), { param: problems[0]?.param ?? null });
}

function describe(error: ErrorObject, body: unknown): { param: string; message: string } {
  const segments = segmentsOf(error.instancePath, body);
  const params: Record<string, unknown> = error.params;
  if (error.keyword === 'additionalProperties') {
    const param = formatPath([...segments, String(params['additionalProperty'])]);
    return { param, message: `Unrecognized request argument supplied: '${param}'.` };
  }
  if (error.keyword === 'required') {
    const param = formatPath([...segments, String(params['missingProperty'])]);
    return { param, message: `Missing required parameter: '${param}'.` };
  }
  const param = formatPath(segments);
  const parent = error.parentSchema ?? {};
  switch (error.keyword) {
    case 'type':
      return { param, message: `Invalid type for '${param}': expected ${expectation(parent)}, got ${show(error.data)}.` };
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
      return { param, message: `Invalid value for '${param}': expected ${expectation(parent)}, got ${show(error.data)}.` };
    case 'minLength':
      return { param, message: `Invalid value for '${param}': must not be empty.` };
    case 'maxLength':
      // A metadata name over its bound is reported on the object, with the name (clipped) said.
      if (params['limit'] === MAX_METADATA_NAME && error.propertyName !== undefined) {
        return { param, message: `Invalid value for '${param}': names must be at most ${MAX_METADATA_NAME} characters, got one of ${error.propertyName.length}.` };
      }
      return { param, message: `Invalid value for '${param}': must be at most ${String(params['limit'])} characters, got ${String((error.data as string).length)}.` };
    case 'maxItems':
    case 'maxProperties':
      return { param, message: `Invalid value for '${param}': must have at most ${String(params['limit'])} entries.` };
    case 'pattern':
      return { param, message: `Invalid value for '${param}': must be 1 to 64 letters, digits, "_" or "-", got ${show(error.data)}.` };
    case 'uniqueItems': {
      const [first, second] = [Number(params['i']), Number(params['j'])].sort((a, b) => a - b);
      return { param, message: `Invalid value for '${param}': entries ${first} and ${second} are the same.` };
    }
    default:
      return { param, message: `Invalid value for '${param}': ${error.message ?? 'not allowed'}.` };
  }
}

/** "an integer of at least 1 or null", "an array of strings or null", "a boolean", ... */
function expectation(schema: Record<string, unknown>): string {
  const types = ([] as unknown[]).concat(schema['type']);
  const words = types
    .filter((type) => type !== 'null')
    .map((type) => {
      const word = type === 'integer' ? 'an integer' : type === 'number' ? 'a number' : null;
      if (word !== null && typeof schema['minimum'] === 'number' && typeof schema['maximum'] === 'number') return `${word} from ${schema['minimum']} to ${schema['maximum']}`;
      if (word !== null && typeof schema['minimum'] === 'number') return `${word} of at least ${schema['minimum']}`;
      if (word !== null) return word;
      if (type === 'array') return 'an array of strings';
      if (type === 'object') return 'an object';
      return `a ${String(type)}`;
    });
  return [...words, ...(types.includes('null') ? ['null'] : [])].join(' or ');
}

function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- null, arrays and objects returned above: only a JSON number or boolean is left
  return `${typeof value} ${String(value)}`;
}

/** A JSON pointer as path segments, using the body to tell array indexes from object keys. */
function segmentsOf(pointer: string, body: unknown): (string | number)[] {
  const segments: (string | number)[] = [];
  let node = body;
  for (const raw of pointer === '' ? [] : pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const index = Array.isArray(node) ? Number(key) : null;
    segments.push(index ?? key);
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return segments;
}
