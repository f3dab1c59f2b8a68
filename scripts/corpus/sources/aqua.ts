// AQuA-RAT (deepmind/AQuA, Apache-2.0): algebraic word problems with five options and a worked
// rationale → complex (multi-step math word problems). Test and dev splits; the prompt is the question
// and its options one per line, as the file gives them.
import { readBlob, sourceRef, draw, type CorpusItem, type CorpusSource } from '../source.js';

const REPO = 'deepmind/AQuA';
const COMMIT = '26b64ed1f22208c6742f47df547dfd65088ec30d';
const SPLITS = [
  { split: 'test', path: 'test.json', n: 50 },
  { split: 'dev', path: 'dev.json', n: 50 },
] as const;

interface AquaRecord {
  readonly question: string;
  readonly options: readonly string[];
  readonly rationale: string;
  readonly correct: string;
}

export const source: CorpusSource = {
  name: 'aqua-rat',
  items(): CorpusItem[] {
    const items: CorpusItem[] = [];
    for (const { split, path, n } of SPLITS) {
      const records = readBlob(REPO, COMMIT, path)
        .toString('utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line, index) => ({ record: JSON.parse(line) as AquaRecord, id: `aqua-${split}-${index}` }));
      for (const { record, id } of draw(records, n, (r) => r.id))
        items.push({
          id,
          messages: [{ role: 'user', content: `${record.question}\n${record.options.join('\n')}` }],
          label: 'complex',
          source: sourceRef(REPO, COMMIT, path),
          source_name: 'aqua-rat',
          source_category: `aqua-rat:${split}:algebraic word problem`,
          language: 'en',
          license: 'Apache-2.0',
          answer: record.rationale,
        });
    }
    return items;
  },
};
