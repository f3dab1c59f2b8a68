// Interactive Coding Challenges (donnemartin/interactive-coding-challenges, Apache-2.0): interview
// coding problems, one Jupyter notebook per challenge (`<category>/<challenge>/<name>_challenge.ipynb`)
// stating the problem ("Problem: Implement a function to reverse a string …") with Constraints and
// Test Cases sections. Every category (the top-level folders: arrays_strings, bit_manipulation,
// graphs_trees, linked_lists, math_probability, online_judges, recursion_dynamic, sorting_searching,
// stacks_queues) → complex: writing code (convention 7: a one-line coding task is complex). It is here
// for the SHORT hard prompts no other source had in its own LOSO group: the learned model sent terse
// requests ("Design Mint.com", "Invert a binary tree.") to the small tier.
//
// Unused: `staging/` (3 challenges not yet reviewed into the repo: reverse_words's test case
// contradicts its statement, binary_tree's Test Cases cell runs on into an Algorithm section) and
// `templates/` (the notebook template, a placeholder problem).
//
// Same problem twice, kept once BEFORE the form draw (SAME_PROBLEM below, 7): online_judges repeats 5
// challenges of other folders (the other folder's copy is kept); coin_change_ways is coin_change again
// (coin_change kept); the two shortest-path notebooks have the same statement line (the weighted one kept).
//
// Every other challenge goes into exactly one of two forms, by sha256 of `coding-challenges-form:<id>`:
//   - rule `coding-challenges-statement` (short): the statement line alone — the first line of the
//     Problem cell without its `## Problem:` heading, markdown links reduced to their text, runs of
//     spaces collapsed. By sha256 of `coding-challenges-language:<id>` (even) it stays bare, verbatim,
//     or (odd) it names a programming language, LANGUAGES[sha256(`coding-challenges-language-name:<id>`)
//     mod 10], in one of SHORT_PHRASINGS (picked by sha256 of `coding-challenges-phrasing:<id>`).
//   - rule `coding-challenges-with-tests` (long): the whole Problem cell (its statement and, for the
//     online-judge problems, the problem text it quotes), then `Constraints:` and `Test cases:` with
//     those cells' bodies, blank-line separated, in one of LONG_PHRASINGS (same phrasing hash). No
//     language is named but Python in one phrasing: the test cases are written in Python's terms
//     (None, TypeError). Every cell is verbatim but for: its `## …` heading line, the notebook's table of
//     contents (`* [Constraints](#Constraints)` …), lines pointing to a problem page ("See the LeetCode
//     problem page."), lines that are only `<pre>` or `</pre>`, markdown links reduced to their text,
//     trailing spaces; a section whose body is empty once those go is left out.
// The notebooks' solution code is not used (no `answer`).
//
// Drops (every item read in the form it was drawn into; DROPS below): the text does not state a
// coding task a reader could label complex by the rule. Never relabelled. The forms are fixed by the
// hash, so a drop cannot pull in an unread item.
import { execFileSync } from 'node:child_process';
import { hashPick, itemAt, mirrorOf, readBlob, sourceRef, type CorpusItem, type CorpusSource } from '../source.js';

const REPO = 'donnemartin/interactive-coding-challenges';
const COMMIT = '358f2cc60426d5c4c3d7d580910eec9a7b393fa9';

export type ChallengeForm = 'short' | 'long';

/** The repo's challenge categories (its top-level folders); `staging` and `templates` are unused (above). */
const CATEGORIES = [
  'arrays_strings',
  'bit_manipulation',
  'graphs_trees',
  'linked_lists',
  'math_probability',
  'online_judges',
  'recursion_dynamic',
  'sorting_searching',
  'stacks_queues',
] as const;

/** The same popular programming languages the exercism source names. */
const LANGUAGES = ['Python', 'JavaScript', 'TypeScript', 'Java', 'C#', 'C++', 'Go', 'Rust', 'Ruby', 'Kotlin'] as const;

/** Phrasings that go on after the statement add a full stop where it has none. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

const SHORT_PHRASINGS: readonly ((language: string, statement: string) => string)[] = [
  (language, statement) => `${sentence(statement)} Use ${language}.`,
  (language, statement) => `${language} please: ${statement}`,
  (language, statement) => `${sentence(statement)} In ${language}.`,
];

const LONG_PHRASINGS: readonly ((text: string) => string)[] = [
  (text) => text,
  (text) => `Solve this coding problem.\n\n${text}`,
  (text) => `${text}\n\nWrite the code for this in Python.`,
];

/** `<category>/<challenge>` of a copy → the one kept (same problem; see the header). */
const SAME_PROBLEM: ReadonlyMap<string, string> = new Map([
  ['online_judges/math_ops', 'math_probability/math_ops'],
  ['online_judges/str_diff', 'arrays_strings/str_diff'],
  ['online_judges/sum_two', 'math_probability/sum_two'],
  ['online_judges/sub_two', 'math_probability/sub_two'],
  ['online_judges/longest_substr_k_distinct', 'recursion_dynamic/longest_substr_k_distinct'],
  ['recursion_dynamic/coin_change_ways', 'recursion_dynamic/coin_change'],
  ['graphs_trees/graph_shortest_path_unweighted', 'graphs_trees/graph_shortest_path'],
]);

/**
 * Challenges dropped after reading every drawn item in the form it was drawn into (all 46 short and
 * all 58 long ones in full), by `<category>/<challenge>`: the text states no task. Never relabelled.
 * Kept: bare generic imperatives with no input given ("Implement a graph.", "Find the shortest path
 * between two nodes in a graph.", "Search a sorted matrix for an item."): with nothing
 * to compute on, the request is for the program, a one-line coding task (convention 7), as MBPP's and
 * Exercism's are kept.
 */
const DROPS: ReadonlyMap<string, { readonly form: ChallengeForm; readonly why: string }> = new Map<string, { readonly form: ChallengeForm; readonly why: string }>([
  ['online_judges/island_perimeter', { form: 'short', why: '"Island Perimeter." — a problem\'s title alone: names no task' }],
  ['online_judges/utopian_tree', { form: 'short', why: '"Utopian Tree" — a problem\'s title alone: names no task' }],
  ['online_judges/maximizing_xor', { form: 'long', why: '"Maximizing XOR" and nothing else: its statement, constraints and test cases only point to the HackerRank page' }],
]);

/** Every `<category>/<challenge>/<name>_challenge.ipynb` of the used categories. */
function notebooks(): string[] {
  return execFileSync('git', ['--git-dir', mirrorOf(REPO), 'ls-tree', '-r', '--name-only', COMMIT, ...CATEGORIES], { encoding: 'utf8' })
    .split('\n')
    .filter((path) => /^[a-z_]+\/[a-z0-9_]+\/[a-z0-9_]+_challenge\.ipynb$/.test(path));
}

interface NotebookCell {
  readonly cell_type: string;
  readonly source: string | readonly string[];
}

/** The markdown cells of a notebook, as text. */
function markdownCells(path: string): string[] {
  const notebook = JSON.parse(readBlob(REPO, COMMIT, path).toString('utf8')) as { readonly cells: readonly NotebookCell[] };
  return notebook.cells
    .filter((cell) => cell.cell_type === 'markdown')
    .map((cell) => (typeof cell.source === 'string' ? cell.source : cell.source.join('')).replace(/\r\n/g, '\n'));
}

const TABLE_OF_CONTENTS = /^\* \[(Constraints|Test Cases|Algorithm|Code|Unit Test|Solution Notebook)\]\(#[^)]*\)\s*$/;
const PROBLEM_PAGE = /^See the .*problem page.*$/;
const PRE = /^<\/?pre>\s*$/;

function unlink(text: string): string {
  return text.replace(/\[([^\]]+)\]\([^)]*\)/g, '$1');
}

/** A cell's body: its `## <heading>` line and the notebook scaffolding named in the header gone. */
function body(cell: string): string {
  return (
    cell
      .replace(/^## [^\n:]*:? ?/, '')
      .split('\n')
      .filter((line) => !TABLE_OF_CONTENTS.test(line) && !PROBLEM_PAGE.test(line) && !PRE.test(line))
      .map((line) => unlink(line).trimEnd())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      // Blank lines only: a diagram's first line keeps its indentation.
      .replace(/^\n+/, '')
      .trimEnd()
  );
}

interface Challenge {
  /** `<category>/<challenge>` */
  readonly key: string;
  readonly category: string;
  readonly path: string;
  readonly statement: string;
  readonly withTests: string;
}

function challengeOf(path: string): Challenge {
  const [category, name] = path.split('/');
  if (category === undefined || name === undefined) throw new Error(`coding-challenges: odd path ${path}`);
  const cells = markdownCells(path);
  const section = (heading: string): string | undefined => cells.find((cell) => cell.startsWith(`## ${heading}`));
  const problem = section('Problem');
  if (problem === undefined) throw new Error(`coding-challenges ${path}: no Problem cell`);
  const problemBody = body(problem);
  const statement = unlink((problemBody.split('\n')[0] ?? '').trim()).replace(/\s+/g, ' ');
  const parts = [problemBody];
  for (const [heading, label] of [
    ['Constraints', 'Constraints:'],
    ['Test Cases', 'Test cases:'],
  ] as const) {
    const cell = section(heading);
    const text = cell === undefined ? '' : body(cell);
    if (text !== '') parts.push(`${label}\n\n${text}`);
  }
  return { key: `${category}/${name}`, category, path, statement, withTests: parts.join('\n\n') };
}

export function formOf(key: string): ChallengeForm {
  return hashPick(`coding-challenges-form:${key}`, 2) === 0 ? 'short' : 'long';
}

/** The item's text in its drawn form (exported for reading the draw). */
export function contentOf(challenge: Challenge, form: ChallengeForm): string {
  const phrasing = hashPick(`coding-challenges-phrasing:${challenge.key}`, 3);
  if (form === 'long') return itemAt(LONG_PHRASINGS, phrasing)(challenge.withTests);
  if (hashPick(`coding-challenges-language:${challenge.key}`, 2) === 0) return challenge.statement;
  const language = itemAt(LANGUAGES, hashPick(`coding-challenges-language-name:${challenge.key}`, LANGUAGES.length));
  return itemAt(SHORT_PHRASINGS, phrasing)(language, challenge.statement);
}

export const source: CorpusSource = {
  name: 'coding-challenges',
  items(): CorpusItem[] {
    const items: CorpusItem[] = [];
    const keys = new Set<string>();
    for (const path of notebooks()) {
      const challenge = challengeOf(path);
      keys.add(challenge.key);
      if (SAME_PROBLEM.has(challenge.key)) continue;
      const form = formOf(challenge.key);
      const dropped = DROPS.get(challenge.key);
      // A drop was read in one form; if the draw ever moves it to the other, it has to be read again.
      if (dropped !== undefined && dropped.form !== form) throw new Error(`coding-challenges ${challenge.key}: dropped as ${dropped.form}, drawn as ${form}: read it again`);
      if (dropped !== undefined) continue;
      items.push({
        id: `coding-challenges-${challenge.key.replace('/', '-')}`,
        messages: [{ role: 'user', content: contentOf(challenge, form) }],
        label: 'complex',
        source: sourceRef(REPO, COMMIT, path),
        source_name: 'coding-challenges',
        source_category: `coding-challenges:${challenge.category}`,
        language: 'en',
        license: 'Apache-2.0',
        rule: form === 'short' ? 'coding-challenges-statement' : 'coding-challenges-with-tests',
      });
    }
    // A stated list that names a challenge the pinned commit lacks is a typo, not a no-op.
    for (const key of [...SAME_PROBLEM.keys(), ...SAME_PROBLEM.values(), ...DROPS.keys()])
      if (!keys.has(key)) throw new Error(`coding-challenges: ${key} is not a challenge at ${COMMIT.slice(0, 12)}`);
    return items;
  },
};
