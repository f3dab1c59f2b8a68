// AGIEval (ruixiangcui/AGIEval, MIT; data/v1/LICENSE gives each task's licence): Chinese college-entrance
// (Gaokao) math problems, multiple choice and fill-in → complex; LSAT analytical-reasoning games
// (scheduling and ordering under several conditions) → complex (multi-constraint reasoning). Tasks under
// non-permissive licences (LogiQA: CC BY-NC-SA; JEC-QA: academic use only) are not read.
import { readBlob, sourceRef, draw, type CorpusItem, type CorpusSource } from '../source.js';

const REPO = 'ruixiangcui/AGIEval';
const COMMIT = '5c77d073fda993f1652eaae3cf5d04cc5fd21d40';
const TASKS = [
  { task: 'gaokao-mathqa', language: 'zh', n: 40, category: 'Gaokao math, multiple choice', license: 'MIT' },
  { task: 'gaokao-mathcloze', language: 'zh', n: 40, category: 'Gaokao math, fill in the blank', license: 'MIT' },
  { task: 'lsat-ar', language: 'en', n: 50, category: 'LSAT analytical reasoning', license: 'MIT' },
] as const;
/** Drawn items read and dropped, with the reason (data/complexity/README.md, Drops). */
export const DROPS: ReadonlyMap<string, string> = new Map([
  ['agieval-gaokao-mathqa-308', 'one routine step (divide two complex numbers)'],
  ['agieval-gaokao-mathqa-187', 'one routine step (solve (1-i)z=2)'],
  ['agieval-gaokao-mathqa-25', 'one routine step (cube a complex number)'],
  ['agieval-gaokao-mathqa-249', 'one step (quadrant of a conjugate)'],
  ['agieval-gaokao-mathqa-213', 'one step (sufficient/necessary condition)'],
  ['agieval-gaokao-mathqa-322', 'one step (sufficient/necessary condition)'],
  ['agieval-gaokao-mathqa-58', 'concept lookup (which statistic measures dispersion)'],
  ['agieval-gaokao-mathqa-166', 'one step (sign of sin 2a in a quadrant)'],
  ['agieval-gaokao-mathcloze-107', 'one step (domain of a function)'],
  ['agieval-gaokao-mathcloze-11', 'data error: the blank is already filled in'],
]);

interface AgiRecord {
  readonly passage: string | null;
  readonly question: string;
  readonly options: readonly string[] | null;
  readonly label: string | null;
  readonly answer: string | null;
}

export const source: CorpusSource = {
  name: 'agieval',
  items(): CorpusItem[] {
    const items: CorpusItem[] = [];
    for (const { task, language, n, category, license } of TASKS) {
      const path = `data/v1/${task}.jsonl`;
      const records = readBlob(REPO, COMMIT, path)
        .toString('utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line, index) => ({ record: JSON.parse(line) as AgiRecord, id: `agieval-${task}-${index}` }));
      for (const { record, id } of draw(records, n, (r) => r.id).filter(({ id }) => !DROPS.has(id))) {
        const parts = [record.passage, record.question.trim(), record.options?.join('\n')].filter((part): part is string => typeof part === 'string' && part.trim() !== '');
        items.push({
          id,
          messages: [{ role: 'user', content: parts.join('\n\n') }],
          label: 'complex',
          source: sourceRef(REPO, COMMIT, path),
          source_name: 'agieval',
          source_category: `agieval:${task}:${category}`,
          language,
          license,
          ...((record.label ?? record.answer) ? { answer: record.label ?? record.answer ?? '' } : {}),
        });
      }
    }
    return items;
  },
};
