// QuixBugs (jkoppel/QuixBugs, MIT): 40 classic algorithms, each with a one-line defect, in Python and in
// Java → complex (debugging non-trivial code). The buggy program is the source's text; the request
// around it is ours (rule `quixbugs-fix`: one of the fixed phrasings below, picked by hash of the item
// id, then the program in a code fence). The corrected program is the answer.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mirrorOf, readBlob, sourceRef, type CorpusItem, type CorpusSource } from '../source.js';

const REPO = 'jkoppel/QuixBugs';
const COMMIT = '4257f44b0ff1181dedaedee6a447e133219fcebf';
/** Helper classes the programs use, not programs themselves. */
const NOT_PROGRAMS = new Set(['node.py', 'Node.java', 'WeightedEdge.java']);

const PHRASINGS: readonly ((language: string) => string)[] = [
  (language) => `This ${language} program has a bug on one line. Find it and fix it.`,
  (language) => `Find and fix the bug in this ${language} code:`,
  (language) => `My ${language} implementation below gives wrong results for some inputs. What is the bug and how do I fix it?`,
  (language) => `There's a one-line defect somewhere in this ${language} code. Locate it, explain why it is wrong, and give the corrected version.`,
];

function listDirectory(directory: string): string[] {
  return execFileSync('git', ['--git-dir', mirrorOf(REPO), 'ls-tree', '--name-only', `${COMMIT}:${directory}`], { encoding: 'utf8' })
    .split('\n')
    .filter((name) => name !== '');
}

function phrasing(id: string, language: string): string {
  const pick = createHash('sha256').update(id).digest().readUInt32BE(0);
  const phrase = PHRASINGS[pick % PHRASINGS.length] ?? PHRASINGS[0];
  return phrase === undefined ? '' : phrase(language);
}

export const source: CorpusSource = {
  name: 'quixbugs',
  items(): CorpusItem[] {
    const items: CorpusItem[] = [];
    const variants = [
      { language: 'Python', tag: 'python', buggy: 'python_programs', correct: 'correct_python_programs', ext: '.py' },
      { language: 'Java', tag: 'java', buggy: 'java_programs', correct: 'correct_java_programs', ext: '.java' },
    ] as const;
    for (const { language, tag, buggy, correct, ext } of variants) {
      for (const name of listDirectory(buggy)) {
        if (!name.endsWith(ext) || name.endsWith(`_test${ext}`) || NOT_PROGRAMS.has(name)) continue;
        const path = `${buggy}/${name}`;
        const id = `quixbugs-${tag}-${name.slice(0, -ext.length).toLowerCase()}`;
        const code = readBlob(REPO, COMMIT, path).toString('utf8').trim();
        const fixed = readBlob(REPO, COMMIT, `${correct}/${name}`).toString('utf8').trim();
        items.push({
          id,
          messages: [{ role: 'user', content: `${phrasing(id, language)}\n\n\`\`\`${tag}\n${code}\n\`\`\`` }],
          label: 'complex',
          source: sourceRef(REPO, COMMIT, path),
          source_name: 'quixbugs',
          source_category: `quixbugs:${tag}:one-line defect to repair`,
          language: 'en',
          license: 'MIT',
          rule: 'quixbugs-fix',
          answer: `\`\`\`${tag}\n${fixed}\n\`\`\``,
        });
      }
    }
    return items;
  },
};
