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
/** Items read and dropped (see data/complexity/README.md, Drops). */
const DROPS: ReadonlySet<string> = new Set([]);

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
        .map((line, index) => ({ record: JSON.parse(line) as AgiRecord, id: `agieval-${task}-${index}` }))
        .filter(({ id }) => !DROPS.has(id));
      for (const { record, id } of draw(records, n, (r) => r.id)) {
        const parts = [record.passage, record.question.trim(), record.options?.join('\n')].filter(
          (part): part is string => typeof part === 'string' && part.trim() !== '',
        );
        items.push({
          id,
          messages: [{ role: 'user', content: parts.join('\n\n') }],
          label: 'complex',
          source: sourceRef(REPO, COMMIT, path),
          source_name: 'agieval',
          source_category: `agieval:${task}:${category}`,
          language,
          license,
          ...(record.label ?? record.answer ? { answer: record.label ?? record.answer ?? '' } : {}),
        });
      }
    }
    return items;
  },
};
