// Reading a labelled set: JSON Lines of `{messages, label}`. Request fields such as tools or
// max_tokens are kept for the classifier; id, label, source and source_category are not shown to it.
// Every bad line is reported with its number, so a broken file is fixed in one pass.
import { COMPLEXITIES, isComplexity, type Complexity } from './classification.js';
import { isObject } from '../json-object.js';

export interface LabelledItem {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly id: string | undefined;
  readonly label: Complexity;
  /** The request as the classifier reads it (`messages` or `prompt`, plus any request fields). */
  readonly body: Readonly<Record<string, unknown>>;
  readonly messages: readonly unknown[];
}

export interface LabelledSet {
  readonly items: readonly LabelledItem[];
  /** `line N: what is wrong`, in file order; empty when every non-blank line is a valid item. */
  readonly errors: readonly string[];
}

export function parseLabelledSet(text: string): LabelledSet {
  const items: LabelledItem[] = [];
  const errors: string[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    const parsed = parseLine(raw);
    if (typeof parsed === 'string') errors.push(`line ${line}: ${parsed}`);
    else items.push({ line, ...parsed });
  });
  return { items, errors };
}

function parseLine(raw: string): Omit<LabelledItem, 'line'> | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return `not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (!isObject(value)) return 'expected a JSON object';
  // The classifier sees the request only: the label and the bookkeeping fields stay out of its body.
  const { messages, label, id, source: _source, source_category: _category, ...request } = value;
  if (!Array.isArray(messages)) return `"messages" must be an array, got ${describe(messages)}`;
  if (!isComplexity(label)) return `"label" must be one of ${COMPLEXITIES.join(', ')}, got ${describe(label)}`;
  return { id: typeof id === 'string' ? id : undefined, label, body: { ...request, messages }, messages };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value;
}
