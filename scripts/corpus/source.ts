// What every corpus source module provides, and the helpers they share: reading a blob from a
// GitHub snapshot brought here by the fetch tool, and a stable hash order for drawing items.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export type Label = 'simple' | 'moderate' | 'complex';

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** One line of data/complexity/corpus.jsonl (see data/complexity/README.md for each field). */
export interface CorpusItem {
  readonly id: string;
  readonly messages: readonly ChatMessage[];
  readonly label: Label;
  /** `<owner/repo>:<path>@<commit12>` of the bytes the last user turn came from. */
  readonly source: string;
  /** Short name of the source: the group left out in leave-one-source-out evaluation. */
  readonly source_name: string;
  readonly source_category: string;
  /** ISO 639-1 code of the last user turn. */
  readonly language: string;
  readonly license: string;
  /** For items built by a stated rule (conversations, wrappers): the rule's id in the README. */
  readonly rule?: string;
  /** For built conversations: the source_names whose text appears in the other turns. */
  readonly context_sources?: readonly string[];
  /**
   * The source's own answer to the last user turn (a reference solution, a span, a response), when it
   * has one: conversations use it as the assistant's reply. Not written to the corpus.
   */
  readonly answer?: string;
}

export interface CorpusSource {
  /** The source_name of its items. */
  readonly name: string;
  /** Every item, already mapped to labels, drawn and with its drops applied. */
  items(): CorpusItem[];
  /**
   * Never trained on: its items go to the held-out file (HELDOUT in build.ts), not the corpus, and
   * no conversation is built from them. For sources whose authors ask that they not be trained on.
   */
  readonly heldOut?: true;
}

/** Where the fetch tool leaves snapshots; override with SWITCHYARD_MIRRORS. */
const MIRRORS = process.env['SWITCHYARD_MIRRORS'] ?? '/work/.mirror';

/** The git directory of a fetched `owner/name` snapshot; throws with the fix when it is absent. */
export function mirrorOf(repo: string): string {
  const base = join(MIRRORS, repo.replace('/', '+'));
  if (!existsSync(base)) throw new Error(`${repo} is not fetched: use the fetch tool on github:${repo} (looked in ${base})`);
  if (existsSync(join(base, 'HEAD'))) return base;
  for (const entry of readdirSync(base)) if (existsSync(join(base, entry, 'HEAD'))) return join(base, entry);
  throw new Error(`no git directory under ${base}`);
}

/** The bytes of `path` at `commit` in the fetched snapshot of `repo`. */
export function readBlob(repo: string, commit: string, path: string): Buffer {
  return execFileSync('git', ['--git-dir', mirrorOf(repo), 'show', `${commit}:${path}`], { maxBuffer: 1 << 30 });
}

/** `<owner/repo>:<path>@<commit12>`, the value of an item's `source`. */
export function sourceRef(repo: string, commit: string, path: string): string {
  return `${repo}:${path}@${commit.slice(0, 12)}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A stable pseudo-random choice among `count`: the first 32 bits of the key's sha256, modulo count. */
export function hashPick(key: string, count: number): number {
  return Number.parseInt(sha256(key).slice(0, 8), 16) % count;
}

/** `list[index]`, or an error saying the index is outside the list (a draw table and its list disagree). */
export function itemAt<T>(list: readonly T[], index: number): T {
  const value = list[index];
  if (value === undefined) throw new Error(`index ${index} outside a list of ${list.length}`);
  return value;
}

/** A stable pseudo-random order: by sha256 of the key. Draw the first N of a stratum in this order. */
export function hashOrder<T>(items: readonly T[], key: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, hash: sha256(key(item)) }))
    .sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0))
    .map(({ item }) => item);
}

/** The first `n` of `items` in hash order of their keys. */
export function draw<T>(items: readonly T[], n: number, key: (item: T) => string): T[] {
  return hashOrder(items, key).slice(0, n);
}

/** Text compared for duplicates: case, spacing and punctuation folded. */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
