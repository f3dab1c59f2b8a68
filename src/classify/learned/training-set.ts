// The corpus as training examples: data/complexity/corpus.jsonl through the labelled-set reader.
// Training reads only this file; the dev set (test/fixtures/complexity) stays out for a second check.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseLabelledSet } from '../labelled-set.js';
import type { TrainingExample } from './contract.js';

export const DEFAULT_CORPUS_FILE: string = fileURLToPath(new URL('../../../data/complexity/corpus.jsonl', import.meta.url));

/** Corpus bookkeeping (data/complexity/README.md) that is not part of a request. */
const BOOKKEEPING = new Set(['source_name', 'language', 'license', 'rule', 'context_sources']);

/** The request as the router would see it: the corpus line without its bookkeeping fields. */
function requestOnly(body: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  return Object.fromEntries(Object.entries(body).filter(([key]) => !BOOKKEEPING.has(key)));
}

/** Every item of a labelled JSON Lines file as a training example; throws on the first bad lines. */
export function readTrainingSet(path: string): TrainingExample[] {
  const parsed = parseLabelledSet(readFileSync(path, 'utf8'));
  if (parsed.errors.length > 0) throw new Error(`${path}: ${parsed.errors.slice(0, 5).join('; ')}${parsed.errors.length > 5 ? ` (and ${parsed.errors.length - 5} more)` : ''}`);
  return parsed.items.map((item) => ({ body: requestOnly(item.body), label: item.label }));
}
