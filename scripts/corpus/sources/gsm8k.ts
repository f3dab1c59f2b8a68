// GSM8K (openai/grade-school-math, MIT): grade-school word problems that take 2–8 steps → complex.
// Test problems 0–249 are left to MGSM (the same problems, translated), so no problem sits in two
// sources; problems whose reference solution has a single calculation are dropped (one-step
// arithmetic is not complex by the labelling conventions).
import { draw, readBlob, sourceRef, type CorpusItem, type CorpusSource } from '../source.js';
import { devIds } from './dev-ids.js';

const REPO = 'openai/grade-school-math';
const COMMIT = '3101c7d5072418e28b9008a6636bde82a006892c';
const SPLITS = [
  { split: 'test', path: 'grade_school_math/data/test.jsonl', n: 90 },
  { split: 'train', path: 'grade_school_math/data/train.jsonl', n: 90 },
] as const;
/** Test problems MGSM translated (its README: the first 250 of the GSM8K test set). */
const MGSM_PROBLEMS = 250;

interface Gsm8kRecord {
  readonly question: string;
  readonly answer: string;
}

/** Calculator annotations `<<2*3=6>>` in a GSM8K solution: one per arithmetic step. */
export function gsm8kSteps(solution: string): number {
  return (solution.match(/<<[^>]*>>/g) ?? []).length;
}

/** The solution as a reader sees it: annotations removed, `#### 18` kept as the final answer line. */
export function gsm8kReadable(solution: string): string {
  return solution.replace(/<<[^>]*>>/g, '');
}

export function gsm8kRecords(path: string): Gsm8kRecord[] {
  return readBlob(REPO, COMMIT, path)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Gsm8kRecord);
}

export const source: CorpusSource = {
  name: 'gsm8k',
  items(): CorpusItem[] {
    const dev = devIds();
    const items: CorpusItem[] = [];
    for (const { split, path, n } of SPLITS) {
      const candidates = gsm8kRecords(path)
        .map((record, index) => ({ record, id: `gsm8k-${split}-${index}`, index }))
        .filter(({ record, id, index }) => {
          if (dev.has(id)) return false;
          if (split === 'test' && index < MGSM_PROBLEMS) return false;
          return gsm8kSteps(record.answer) >= 2;
        });
      for (const { record, id } of draw(candidates, n, (c) => c.id))
        items.push({
          id,
          messages: [{ role: 'user', content: record.question }],
          label: 'complex',
          source: sourceRef(REPO, COMMIT, path),
          source_name: 'gsm8k',
          source_category: `gsm8k:${split}:multi-step word problem`,
          language: 'en',
          license: 'MIT',
          answer: gsm8kReadable(record.answer),
        });
    }
    return items;
  },
};
