// system-design-primer (donnemartin/system-design-primer, CC BY 4.0): its interview questions, "Design
// Pastebin.com", "Design a key-value store like Redis", … with the README's own translations (Japanese,
// Simplified and Traditional Chinese) → complex (system design). The prompt is the question cell of the
// README's question tables verbatim; where the primer has a written solution, that is the answer.
import { readBlob, sourceRef, type CorpusItem, type CorpusSource } from '../source.js';

const REPO = 'donnemartin/system-design-primer';
const COMMIT = 'ae9bbd7b02d90b9866215de185217d33f39ab733';
const READMES = [
  { path: 'README.md', language: 'en' },
  { path: 'README-ja.md', language: 'ja' },
  { path: 'README-zh-Hans.md', language: 'zh' },
  { path: 'README-zh-TW.md', language: 'zh' },
] as const;

interface Question {
  readonly text: string;
  /** The linked solution's path in the repo, when the link is to one. */
  readonly solution: string | null;
}

/**
 * The question tables run from the first row linking a `solutions/` page to the row before the
 * "real world architectures" table (its first row is Amazon). A question row's second cell starts with
 * a link; rows linking to the contributing section ("add a question") are not questions.
 */
export function questions(readme: string): Question[] {
  const rows = readme.split('\n').filter((line) => line.startsWith('|'));
  const start = rows.findIndex((row) => row.includes('](solutions/'));
  const end = rows.findIndex((row, index) => index > start && /^\|\s*Amazon\s*\|/.test(row));
  const found: Question[] = [];
  for (const row of rows.slice(start, end < 0 ? undefined : end)) {
    const cells = row.split('|').map((cell) => cell.trim());
    const text = (cells[1] ?? '').replace(/<br\/?>/g, '\n').trim();
    const link = cells[2] ?? '';
    if (text === '' || !link.startsWith('[') || /\]\(#/.test(link)) continue;
    const solution = /\]\((solutions\/[^)\s]+)\)/.exec(link)?.[1] ?? null;
    found.push({ text, solution });
  }
  return found;
}

export const source: CorpusSource = {
  name: 'system-design-primer',
  items(): CorpusItem[] {
    const items: CorpusItem[] = [];
    for (const { path, language } of READMES) {
      const suffix = path.replace(/^README-?/, '').replace(/\.md$/, '') || 'en';
      questions(readBlob(REPO, COMMIT, path).toString('utf8')).forEach((question, index) => {
        let answer: string | undefined;
        if (question.solution?.endsWith('.md') === true) answer = readBlob(REPO, COMMIT, question.solution).toString('utf8');
        items.push({
          id: `sdp-${suffix}-${index}`,
          messages: [{ role: 'user', content: question.text }],
          label: 'complex',
          source: sourceRef(REPO, COMMIT, path),
          source_name: 'system-design-primer',
          source_category: `system-design-primer:${question.solution?.includes('object_oriented') === true ? 'object-oriented design' : 'system design'} interview question`,
          language,
          license: 'CC-BY-4.0',
          ...(answer === undefined ? {} : { answer }),
        });
      });
    }
    return items;
  },
};
