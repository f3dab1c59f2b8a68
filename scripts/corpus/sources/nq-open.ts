// NQ-open (Lee et al. 2019, from Natural Questions, Kwiatkowski et al. 2019; CC BY-SA 3.0): real
// Google search queries whose answer is a short span → simple single-fact lookups. The dev split is
// used (it carries the answers, kept as the item's `answer` for composed conversations). Queries
// that ask for a reason or a mechanism ("why …", "how does …") are explanations, not facts, and are
// dropped before drawing (the dev set dropped nqopen-dev-202 and -1146 for the same reason).
import { draw, readBlob, sourceRef, type CorpusItem, type CorpusSource } from '../source.js';
import { devIds } from './dev-ids.js';

const REPO = 'google-research-datasets/natural-questions';
const COMMIT = 'fb26a3073b1fe636c97302890a27b491d6530130';
const PATH = 'nq_open/NQ-open.dev.jsonl';
const COUNT = 300;

/** Openings that ask for an explanation rather than a fact ("how do you say X in Y" is a phrase lookup: kept). */
export const EXPLANATION = /^(why\b|how (do|does|did|is|are|was|were|can|could|should|would|to)\b(?! you say)|explain\b|what (causes|happens)\b)/i;

interface NqOpenRecord {
  readonly question: string;
  readonly answer: readonly string[];
}

export const source: CorpusSource = {
  name: 'nq-open',
  items(): CorpusItem[] {
    const dev = devIds();
    const candidates = readBlob(REPO, COMMIT, PATH)
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, index) => ({ record: JSON.parse(line) as NqOpenRecord, id: `nqopen-dev-${index}` }))
      .filter(({ record, id }) => !dev.has(id) && !EXPLANATION.test(record.question) && record.answer.length > 0);
    return draw(candidates, COUNT, (c) => c.id).map(({ record, id }) => ({
      id,
      messages: [{ role: 'user', content: record.question }],
      label: 'simple',
      source: sourceRef(REPO, COMMIT, PATH),
      source_name: 'nq-open',
      source_category: 'nq_open:single-fact question',
      language: 'en',
      license: 'CC-BY-SA-3.0',
      // The first annotated span, as a reader would give it.
      answer: record.answer[0] ?? '',
    }));
  },
};
