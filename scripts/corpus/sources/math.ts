// MATH (Hendrycks et al., MIT) through the 1000-problem test subset in cmu-mind/RISE data/math/test.jsonl:
// Level 4 and Level 5 → complex; levels 1–3 unused (they mix one-step exercises with harder ones). At most
// PER_STRATUM per subject × level so every subject is spread.
import { readBlob, sourceRef, hashOrder, type CorpusItem, type CorpusSource } from '../source.js';
import { devIds } from './dev-ids.js';

const REPO = 'cmu-mind/RISE';
const COMMIT = '4a2806e53546f04586177b8396b59a19840c0240';
const PATH = 'data/math/test.jsonl';
const LEVELS = new Set(['Level 4', 'Level 5']);
const PER_STRATUM = 15;
const TOTAL = 200;

interface MathRecord {
  readonly problem: string;
  readonly level: string;
  readonly type: string;
  readonly solution: string;
}

export const source: CorpusSource = {
  name: 'math',
  items(): CorpusItem[] {
    const dev = devIds();
    const records = readBlob(REPO, COMMIT, PATH)
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, index) => ({ record: JSON.parse(line) as MathRecord, id: `math-test-${index}` }))
      .filter(({ record, id }) => LEVELS.has(record.level) && !dev.has(id));
    const perStratum = new Map<string, number>();
    const items: CorpusItem[] = [];
    for (const { record, id } of hashOrder(records, (r) => r.id)) {
      const stratum = `${record.type}/${record.level}`;
      const taken = perStratum.get(stratum) ?? 0;
      if (taken >= PER_STRATUM || items.length >= TOTAL) continue;
      perStratum.set(stratum, taken + 1);
      items.push({
        id,
        messages: [{ role: 'user', content: record.problem }],
        label: 'complex',
        source: sourceRef(REPO, COMMIT, PATH),
        source_name: 'math',
        source_category: `math:${record.type}:${record.level}`,
        language: 'en',
        license: 'MIT',
        answer: record.solution,
      });
    }
    return items;
  },
};
