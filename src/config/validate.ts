// Validating raw router.yaml data against the schema, compiled once at module load, and turning
// ajv's errors into messages that start with the offending path.
import { Ajv, type ErrorObject } from 'ajv';
import type { RawConfig } from './raw.js';
import { routerSchema } from './schema.js';
import { ENV_NAME_PATTERN, KEY_ID_PATTERN, MODEL_NAME_PATTERN, NAME_PATTERN, SHA256_PATTERN } from './schema-parts.js';
import { isObject } from '../json-object.js';

/** How each pattern is explained in an error message (the raw regex helps nobody). */
const PATTERN_HINTS: Readonly<Record<string, string>> = {
  [NAME_PATTERN]: 'must start with a letter or digit and contain only letters, digits, ".", "_" and "-"',
  [ENV_NAME_PATTERN]: 'must be an environment variable name such as OPENAI_API_KEY',
  '^/': 'must start with "/"',
  [KEY_ID_PATTERN]: 'must be 1 to 64 letters, digits, "_" or "-"',
  [SHA256_PATTERN]: 'must be a SHA-256 digest: 64 lowercase hex digits',
  '^rediss?://': 'must be a redis:// or rediss:// URL',
  '^[A-Za-z0-9_-]{1,32}$': 'must be 1 to 32 letters, digits, "_" or "-"',
  [MODEL_NAME_PATTERN]: 'must be printable ASCII without spaces (it is echoed in a response header)',
};

/**
 * Pool keys that were renamed, with what to write instead: an old file fails with a pointer to the new
 * name rather than a bare "unknown key".
 */
const RENAMED_POOL_KEYS: Readonly<Record<string, string>> = {
  firstByteTimeoutMs:
    "renamed: use firstTokenTimeoutMs (a stream's time to its first token); a non-streaming answer arrives whole when generation ends, and only responseTimeoutMs (default: none, server.requestTimeoutMs) bounds it",
};

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
  // YAML's .nan and .inf, which JSON would show as null: named as they are written.
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- lists and mappings returned above: only a scalar reaches String()
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

/** "an integer from 0 to 65535", "an integer of at least 1", "a number greater than 0", ... */
function expectation(schema: Record<string, unknown>): string {
  const type = typeof schema.type === 'string' ? schema.type : Array.isArray(schema.type) ? String(schema.type[0]) : 'value';
  const base = TYPE_WORDS[type] ?? type;
  const { minimum, maximum, exclusiveMinimum } = schema;
  if (typeof minimum === 'number' && typeof maximum === 'number') return `${base} from ${minimum} to ${maximum}`;
  if (typeof minimum === 'number') return `${base} of at least ${minimum}`;
  if (typeof exclusiveMinimum === 'number' && typeof maximum === 'number') return `${base} greater than ${exclusiveMinimum} and at most ${maximum}`;
  if (typeof exclusiveMinimum === 'number') return `${base} greater than ${exclusiveMinimum}`;
  if (typeof maximum === 'number') return `${base} of at most ${maximum}`;
  return base;
}

function describeError(error: ErrorObject, root: unknown): string | undefined {
  const segments = segmentsOf(error.instancePath, root);
  const parent: Record<string, unknown> = isObject(error.parentSchema) ? error.parentSchema : {};
  const at = (extra: readonly (string | number)[], message: string) => {
    const path = formatPath([...segments, ...extra]);
    return path === '' ? message : `${path}: ${message}`;
  };
  const last = segments[segments.length - 1];
  const section = typeof last === 'string' ? SINGULAR[last] : undefined;
  const params: Record<string, unknown> = error.params;

  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const inPool = segments.length === 2 && segments[0] === 'pools';
      const renamed = inPool && Object.hasOwn(RENAMED_POOL_KEYS, key) ? RENAMED_POOL_KEYS[key] : undefined;
      if (renamed !== undefined) return at([key], renamed);
      const allowed = isObject(parent.properties) ? Object.keys(parent.properties).join(', ') : '';
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
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues.map(String).join(', ') : '';
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
    case 'maxLength':
      return at([], `must be at most ${String(params.limit)} characters (got ${show(error.data)})`);
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
