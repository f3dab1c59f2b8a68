// Loading router.yaml: parse → validate (schema.ts) → defaults (defaults.ts) → cross-check
// (references.ts) → deep-freeze. Every problem is reported, each message starting with its path.
// Structural (schema) problems are reported first on their own: cross-checks need a valid shape.

import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, visit } from 'yaml';
import { applyDefaults } from './defaults.js';
import { checkReferences } from './references.js';
import { show, validateSchema } from './validate.js';
import type { Config } from './types.js';

export type LoadResult = { ok: true; config: Config } | { ok: false; errors: string[] };

export interface LoadOptions {
  /** Where `apiKeyEnv` variables are looked up. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

export interface LoadTextOptions extends LoadOptions {
  /** File name used in YAML syntax errors. Default `router.yaml`. */
  source?: string;
}

const DEFAULT_SOURCE = 'router.yaml';

/** A file's config, and the text it was loaded from (a reload's watch compares the file with it). */
export type FileLoadResult = { ok: true; config: Config; text: string } | { ok: false; errors: string[] };

export async function loadConfigFile(path: string, options: LoadOptions = {}): Promise<FileLoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : String(error);
    return { ok: false, errors: [`${path}: cannot read file (${code})`] };
  }
  const loaded = loadConfigText(text, { ...options, source: path });
  return loaded.ok ? { ...loaded, text } : loaded;
}

export function loadConfigText(text: string, options: LoadTextOptions = {}): LoadResult {
  const source = options.source ?? DEFAULT_SOURCE;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter, uniqueKeys: true });
  // Warnings (an unknown tag, say) would silently change a value's meaning: treat them as errors.
  const at = (offset: number, message: string) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${source}: line ${line}, column ${col}: ${message}`;
  };
  const yamlProblems = [...doc.errors, ...doc.warnings].map((problem) => at(problem.pos[0], problem.message));
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) === undefined) yamlProblems.push(at(alias.range?.[0] ?? 0, `unknown alias *${alias.source}`));
    },
  });
  if (yamlProblems.length > 0) return { ok: false, errors: yamlProblems };
  if (doc.contents === null) {
    return { ok: false, errors: [`${source}: the file is empty; expected a mapping with models, tiers and pools`] };
  }
  let data: unknown;
  try {
    data = doc.toJS(); // throws on alias bombs (more than 100 expansions)
  } catch (error) {
    return { ok: false, errors: [`${source}: ${error instanceof Error ? error.message : String(error)}`] };
  }
  return parseConfigObject(data, { ...options, source });
}

/** Validates, fills defaults and cross-checks already-parsed data (tests build configs as objects). */
export function parseConfigObject(raw: unknown, options: LoadTextOptions = {}): LoadResult {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const source = options.source ?? DEFAULT_SOURCE;
    return { ok: false, errors: [`${source}: the top level must be a mapping with models, tiers and pools (got ${show(raw)})`] };
  }
  const validated = validateSchema(raw);
  if (!validated.ok) return validated;
  // Relative paths in the file (classifier.learned.weights) are relative to the file, not to the cwd.
  const config = applyDefaults(validated.value, dirname(resolve(options.source ?? DEFAULT_SOURCE)));
  const errors = checkReferences(validated.value, config, options.env ?? process.env);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, config: deepFreeze(config) };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
