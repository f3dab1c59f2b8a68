// TheoremQA (TIGER-AI-Lab/TheoremQA, MIT): university-level questions that need a named theorem, in
// math, EE&CS, physics and finance → complex. Questions that need a picture are left out (the text
// alone is not the question). At most PER_FIELD per field.
import { readBlob, sourceRef, hashOrder, type CorpusItem, type CorpusSource } from '../source.js';

const REPO = 'TIGER-AI-Lab/TheoremQA';
const COMMIT = 'acfc9686aa9b49f3c8f189364a9a9ee9c53da039';
const PATH = 'theoremqa_test.json';
const PER_FIELD: Readonly<Record<string, number>> = { Math: 50, EECS: 30, Physics: 30, Finance: 40 };

interface TheoremRecord {
  readonly Question: string;
  readonly Answer: unknown;
  readonly Picture: string | null;
  readonly id: string;
  readonly explanation: string;
  readonly theorem: string;
  readonly field: string;
}

export const source: CorpusSource = {
  name: 'theoremqa',
  items(): CorpusItem[] {
    const records = (JSON.parse(readBlob(REPO, COMMIT, PATH).toString('utf8')) as TheoremRecord[]).filter(
      (r) => r.Picture === null || r.Picture === undefined,
    );
    const taken = new Map<string, number>();
    const items: CorpusItem[] = [];
    for (const record of hashOrder(records, (r) => r.id)) {
      const count = taken.get(record.field) ?? 0;
      if (count >= (PER_FIELD[record.field] ?? 0)) continue;
      taken.set(record.field, count + 1);
      const answer = String(JSON.stringify(record.Answer));
      items.push({
        id: `theoremqa-${record.id.replace(/\.json$/, '')}`,
        messages: [{ role: 'user', content: record.Question }],
        label: 'complex',
        source: sourceRef(REPO, COMMIT, PATH),
        source_name: 'theoremqa',
        source_category: `theoremqa:${record.field}:${record.theorem}`,
        language: 'en',
        license: 'MIT',
        answer: record.explanation !== 'NONE' && record.explanation !== '' ? `${record.explanation}\n\nAnswer: ${answer}` : answer,
      });
    }
    return items;
  },
};
