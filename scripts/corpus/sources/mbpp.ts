// MBPP (Austin et al. 2021; google-research/google-research mbpp/, CC BY 4.0 data card, Apache-2.0 repo):
// short Python programming tasks → complex (a one-line coding task is complex). Read from a byte copy of
// mbpp/mbpp.jsonl (muitiiifruckt/ASE; CRLF line ends, the records themselves identical where compared:
// the first and last 16,000 characters of both), because the google-research snapshot is over the fetch
// limit. Task ids 11–510 are MBPP's test split; the prompt is the MBPP paper's format, as in the dev set.
import { readBlob, sourceRef, draw, type CorpusItem, type CorpusSource } from '../source.js';
import { devIds } from './dev-ids.js';

const REPO = 'muitiiifruckt/ASE';
const COMMIT = '83fa3f7963561b898623e8ade6e017d448ddca98';
const PATH = 'mbpp.jsonl';
const TOTAL = 130;

interface MbppRecord {
  readonly text: string;
  readonly code: string;
  readonly task_id: number;
  readonly test_list: readonly string[];
}

export const source: CorpusSource = {
  name: 'mbpp',
  items(): CorpusItem[] {
    const dev = devIds();
    const candidates = readBlob(REPO, COMMIT, PATH)
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as MbppRecord)
      .filter((r) => !dev.has(`mbpp-${r.task_id}`));
    return draw(candidates, TOTAL, (r) => `mbpp-${r.task_id}`).map((r) => ({
      id: `mbpp-${r.task_id}`,
      messages: [{ role: 'user', content: `${r.text} Your code should pass these tests:\n\n${r.test_list.join('\n')}` }],
      label: 'complex',
      source: sourceRef(REPO, COMMIT, PATH),
      source_name: 'mbpp',
      source_category: `mbpp:${r.task_id >= 11 && r.task_id <= 510 ? 'test' : 'train/validation/prompt'}:python task`,
      language: 'en',
      license: 'CC-BY-4.0',
      rule: 'mbpp-with-tests',
      answer: `\`\`\`python\n${r.code.replace(/\r\n/g, '\n')}\n\`\`\``,
    }));
  },
};
