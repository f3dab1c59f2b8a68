// Exercism problem specifications (exercism/problem-specifications, MIT): the language-neutral
// programming exercises every Exercism track implements → complex (writing code; convention 7: a
// one-line coding task is complex). They are here for the short hard prompts the corpus lacked
// ("Implement a binary search algorithm." asked in a language).
//
// Every exercise that is not deprecated (no `.deprecated` file) goes into exactly one of two forms, by
// sha256 of `exercism-form:<slug>`, so that no exercise appears twice:
//   - rule `exercism-blurb-in-language` (short): the one-line `blurb` of metadata.toml, verbatim, put in
//     one of the SHORT_PHRASINGS below, which names a programming language;
//   - rule `exercism-instructions-in-language` (long): instructions.md (or description.md when the
//     exercise has none) verbatim but for its first `# Instructions` / `# Description` heading line,
//     with one of the LONG_PHRASINGS prepended or appended.
// The programming language is LANGUAGES[sha256(`exercism-language:<slug>`) mod 10]; the phrasing
// SHORT/LONG_PHRASINGS[sha256(`exercism-phrasing:<slug>`) mod their count], so the model does not learn
// one template. Problem-specifications has no reference solutions, so the items have no `answer`.
//
// Drops (read after the draw, each exercise in the form it was drawn into): see DROPS, 5 of 138.
// Vague blurbs that still ask for a program ("Report network IO statistics.", "Make a chain of
// dominoes.", "Implement various kinds of error handling and resource management.") are kept: short
// real requests are vague too, and writing the program is still the work. Trivial exercises that still
// compute something from an input (leap year, reverse a string, two-fer, resistor colour → number,
// song lyrics generated verse by verse) are KEPT as complex: convention 7 says a one-line coding task
// is complex, as MBPP's easiest tasks are in this corpus. Only an exercise with no computation at all
// (print a fixed string) is dropped.
import { execFileSync } from 'node:child_process';
import { hashPick, itemAt, mirrorOf, readBlob, sourceRef, type CorpusItem, type CorpusSource } from '../source.js';

const REPO = 'exercism/problem-specifications';
const COMMIT = '03f83310ed0547b902d211a05d23b3d74661df02';

export type ExercismForm = 'short' | 'long';

/** Ten popular programming languages a request names. */
const LANGUAGES = ['Python', 'JavaScript', 'TypeScript', 'Java', 'C#', 'C++', 'Go', 'Rust', 'Ruby', 'Kotlin'] as const;

/** A blurb ends in a full stop in all but three exercises; the phrasings that go on after it add one. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

const SHORT_PHRASINGS: readonly ((language: string, blurb: string) => string)[] = [
  (language, blurb) => `Write a ${language} program for this: ${blurb}`,
  (language, blurb) => `In ${language}: ${blurb}`,
  (language, blurb) => `${sentence(blurb)} Use ${language}.`,
  (language, blurb) => `Can you write ${language} code for this? ${blurb}`,
  (language, blurb) => `Quick ${language} task: ${blurb}`,
  (language, blurb) => `${sentence(blurb)} Write it in ${language}, please.`,
];

const LONG_PHRASINGS: readonly ((language: string, text: string) => string)[] = [
  (language, text) => `Solve the following programming exercise in ${language}.\n\n${text}`,
  (language, text) => `I need this written in ${language}:\n\n${text}`,
  (language, text) => `${text}\n\nPlease write the solution in ${language}.`,
  (language, text) => `${text}\n\nImplement this in ${language} and show the complete code.`,
];

/**
 * Exercises dropped after reading each drawn item in the form it was drawn into (the 71 short ones in
 * full, the 67 long ones about 40 in full and the rest by their task sentences): the text does not
 * state a coding task a reader could label complex. Never relabelled.
 * The forms are fixed by the hash above, so a drop cannot pull in an unread item.
 */
const DROPS: ReadonlyMap<string, { readonly form: ExercismForm; readonly why: string }> = new Map<string, { readonly form: ExercismForm; readonly why: string }>([
  ['hello-world', { form: 'short', why: '"Exercism\'s classic introductory exercise. Just say "Hello, World!"." — print a fixed string, no computation: not non-trivial code' }],
  ['tree-building', { form: 'short', why: '"Refactor a tree building algorithm." — refactor code the prompt does not contain' }],
  ['ledger', { form: 'long', why: 'refactor a ledger printer whose code the prompt does not contain' }],
  ['markdown', { form: 'long', why: 'refactor a Markdown parser whose code the prompt does not contain' }],
  ['line-up', { form: 'short', why: '"Help lining up customers at Yaʻqūb\'s Deli." — names no task (what to compute is only in instructions.md)' }],
]);

function filesOf(slug: string): Set<string> {
  return new Set(
    execFileSync('git', ['--git-dir', mirrorOf(REPO), 'ls-tree', '--name-only', `${COMMIT}:exercises/${slug}`], { encoding: 'utf8' })
      .split('\n')
      .filter((name) => name !== ''),
  );
}

function slugs(): string[] {
  return execFileSync('git', ['--git-dir', mirrorOf(REPO), 'ls-tree', '--name-only', `${COMMIT}:exercises`], { encoding: 'utf8' })
    .split('\n')
    .filter((name) => name !== '');
}

/** The `blurb` of a metadata.toml: every one is a single-line TOML basic string, whose escapes JSON reads alike. */
function blurbOf(slug: string): string {
  const toml = readBlob(REPO, COMMIT, `exercises/${slug}/metadata.toml`).toString('utf8');
  const match = /^blurb\s*=\s*("(?:[^"\\]|\\.)*")\s*$/m.exec(toml);
  if (match?.[1] === undefined) throw new Error(`exercism ${slug}: no one-line blurb in metadata.toml`);
  return (JSON.parse(match[1]) as string).trim();
}

/** The task statement without its first heading line (`# Instructions` / `# Description`, Exercism's scaffolding). */
function statementOf(path: string): string {
  const text = readBlob(REPO, COMMIT, path).toString('utf8').replace(/\r\n/g, '\n').trim();
  return text.replace(/^# (Instructions|Description)\n+/, '').trim();
}

export function formOf(slug: string): ExercismForm {
  return hashPick(`exercism-form:${slug}`, 2) === 0 ? 'short' : 'long';
}

export const source: CorpusSource = {
  name: 'exercism',
  items(): CorpusItem[] {
    const items: CorpusItem[] = [];
    for (const slug of slugs()) {
      const files = filesOf(slug);
      if (files.has('.deprecated')) continue;
      const form = formOf(slug);
      const dropped = DROPS.get(slug);
      // A drop was read in one form; if the draw ever moves it to the other, it has to be read again.
      if (dropped !== undefined && dropped.form !== form) throw new Error(`exercism ${slug}: dropped as ${dropped.form}, drawn as ${form}: read it again`);
      if (dropped !== undefined) continue;
      const language = itemAt(LANGUAGES, hashPick(`exercism-language:${slug}`, LANGUAGES.length));
      let content: string;
      let path: string;
      if (form === 'short') {
        path = `exercises/${slug}/metadata.toml`;
        content = itemAt(SHORT_PHRASINGS, hashPick(`exercism-phrasing:${slug}`, SHORT_PHRASINGS.length))(language, blurbOf(slug));
      } else {
        path = `exercises/${slug}/${files.has('instructions.md') ? 'instructions.md' : 'description.md'}`;
        content = itemAt(LONG_PHRASINGS, hashPick(`exercism-phrasing:${slug}`, LONG_PHRASINGS.length))(language, statementOf(path));
      }
      items.push({
        id: `exercism-${slug}`,
        messages: [{ role: 'user', content }],
        label: 'complex',
        source: sourceRef(REPO, COMMIT, path),
        source_name: 'exercism',
        source_category: 'exercism:programming exercise',
        language: 'en',
        license: 'MIT',
        rule: form === 'short' ? 'exercism-blurb-in-language' : 'exercism-instructions-in-language',
      });
    }
    return items;
  },
};
