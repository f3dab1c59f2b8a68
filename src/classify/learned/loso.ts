// Leave-one-source-out: the learned classifier's estimate of how it does on traffic it was never
// fitted to. For every source, a model is trained on the other sources and tested on that one; a
// conversation built around another source's text (context_sources) is kept out of that source's
// training too, or the held-out text would be learned through the back door. The held-out
// predictions of all folds are pooled and scored as one set.
import { COMPLEXITIES, isComplexity, type Complexity } from '../classification.js';

import type { ClassProbabilities, LearnedClassifierModel, TrainingExample } from './contract.js';
import { isObject } from '../../json-object.js';

/** One corpus line (data/complexity/README.md), with the request split from its bookkeeping. */
export interface CorpusEntry extends TrainingExample {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly id: string;
  readonly label: Complexity;
  /** The request as the classifier reads it: `messages` plus any request fields, no bookkeeping. */
  readonly body: Readonly<Record<string, unknown>>;
  /** The leave-one-source-out group. */
  readonly sourceName: string;
  readonly language: string;
  /** Sources whose text is in the other turns of a built conversation. */
  readonly contextSources: readonly string[];
  /** More than one user or assistant turn (a system prompt alone does not make a conversation). */
  readonly multiTurn: boolean;
}

export interface Corpus {
  readonly items: readonly CorpusEntry[];
  /** `line N: what is wrong`, in file order. */
  readonly errors: readonly string[];
}

/** Fields that describe a corpus line and are not part of the request. */
const BOOKKEEPING = new Set(['id', 'label', 'source', 'source_name', 'source_category', 'language', 'license', 'rule', 'context_sources']);

export function parseCorpus(text: string): Corpus {
  const items: CorpusEntry[] = [];
  const errors: string[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    const parsed = parseEntry(raw, index + 1);
    if (typeof parsed === 'string') errors.push(`line ${index + 1}: ${parsed}`);
    else items.push(parsed);
  });
  return { items, errors };
}

function parseEntry(raw: string, line: number): CorpusEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return `not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (!isObject(value)) return 'expected a JSON object';
  const { messages, label, id, source_name: sourceName, language, context_sources: contextSources } = value;
  if (!Array.isArray(messages)) return '"messages" must be an array';
  if (!isComplexity(label)) return `"label" must be one of ${COMPLEXITIES.join(', ')}, got ${JSON.stringify(label) ?? 'nothing'}`;
  if (typeof sourceName !== 'string' || sourceName === '') return '"source_name" must be a non-empty string';
  if (contextSources !== undefined && !(Array.isArray(contextSources) && contextSources.every((s) => typeof s === 'string')))
    return '"context_sources" must be an array of strings';
  const body: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (!BOOKKEEPING.has(key)) body[key] = field;
  const turns = messages.filter((m) => isObject(m) && (m['role'] === 'user' || m['role'] === 'assistant')).length;
  return {
    line,
    id: typeof id === 'string' ? id : `line-${line}`,
    label,
    body,
    sourceName,
    language: typeof language === 'string' && language !== '' ? language : 'unknown',
    contextSources: contextSources ?? [],
    multiTurn: turns > 1,
  };
}

export interface Fold {
  readonly heldOut: string;
  readonly train: readonly CorpusEntry[];
  readonly test: readonly CorpusEntry[];
}

/** One fold per source name, in name order; `only` restricts which sources are held out. */
export function losoFolds(items: readonly CorpusEntry[], only?: ReadonlySet<string>): Fold[] {
  const sources = [...new Set(items.map((item) => item.sourceName))].sort();
  return sources
    .filter((source) => only === undefined || only.has(source))
    .map((heldOut) => ({
      heldOut,
      train: items.filter((item) => item.sourceName !== heldOut && !item.contextSources.includes(heldOut)),
      test: items.filter((item) => item.sourceName === heldOut),
    }));
}

export interface HeldOutPrediction {
  readonly item: CorpusEntry;
  readonly probabilities: ClassProbabilities;
}

/** Fits a model to a fold's training items (entries, so a trainer may re-use features it extracted once). */
export type Trainer = (examples: readonly CorpusEntry[]) => LearnedClassifierModel;

/**
 * Trains one model per fold and predicts its held-out items. Returns the pooled predictions in
 * corpus order (the order the folds ran in does not show in the output).
 */
export function runLoso(folds: readonly Fold[], train: Trainer, onFold?: (fold: Fold, index: number) => void): HeldOutPrediction[] {
  const predictions: HeldOutPrediction[] = [];
  folds.forEach((fold, index) => {
    onFold?.(fold, index);
    const model = train(fold.train);
    for (const item of fold.test) predictions.push({ item, probabilities: model.predict(item.body).probabilities });
  });
  return predictions.sort((a, b) => a.item.line - b.item.line);
}
