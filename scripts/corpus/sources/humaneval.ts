// HumanEval (openai/human-eval, MIT): Python functions to complete from a signature and docstring →
// complex. Problems that HumanEval-XL translated are left to that source (the same 80 problems would
// otherwise sit in two sources); the dev set's problems are left out.
import { sourceRef, draw, type CorpusItem, type CorpusSource } from '../source.js';
import { devIds } from './dev-ids.js';
import { HUMANEVAL_COMMIT, HUMANEVAL_PATH, HUMANEVAL_REPO, humanEvalId, humanEvalRecords } from './humaneval-data.js';
import { humanEvalXlEntryPoints } from './humaneval-xl.js';

const TOTAL = 80;

/** The dev set's wording of a HumanEval prompt (its only wrapper). */
export function completeFunction(language: string, languageTag: string, code: string): string {
  return `Complete the following ${language} function:\n\n\`\`\`${languageTag}\n${code}\`\`\``;
}

export const source: CorpusSource = {
  name: 'humaneval',
  items(): CorpusItem[] {
    const dev = devIds();
    const translated = humanEvalXlEntryPoints();
    const candidates = humanEvalRecords()
      .map((record) => ({ record, id: humanEvalId(record) }))
      .filter(({ record, id }) => !dev.has(id) && !translated.has(record.entry_point));
    return draw(candidates, TOTAL, (c) => c.id).map(({ record, id }) => ({
      id,
      messages: [{ role: 'user', content: completeFunction('Python', 'python', record.prompt) }],
      label: 'complex',
      source: sourceRef(HUMANEVAL_REPO, HUMANEVAL_COMMIT, HUMANEVAL_PATH),
      source_name: 'humaneval',
      source_category: 'humaneval:python function from docstring',
      language: 'en',
      license: 'MIT',
      rule: 'humaneval-complete',
      answer: `\`\`\`python\n${record.prompt}${record.canonical_solution}\`\`\``,
    }));
  },
};
