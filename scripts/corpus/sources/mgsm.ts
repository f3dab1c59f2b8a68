// MGSM (google-research/url-nlp mgsm/, CC BY 4.0 per mgsm/LICENSE): the first 250 GSM8K test problems
// translated by people into 10 languages → complex. Each language draws its own problems (hash of
// language + index), so the languages mostly carry different problems. A problem is dropped in every
// language when its English GSM8K solution has a single calculation (one-step arithmetic is not
// complex), and when it is a dev-set GSM8K item (a translation would leak it).
import { draw, readBlob, sourceRef, type CorpusItem, type CorpusSource } from '../source.js';
import { devIds } from './dev-ids.js';
import { gsm8kRecords, gsm8kSteps } from './gsm8k.js';

const REPO = 'google-research/url-nlp';
const COMMIT = '452a21ad3dae5668c06ceeac21ff073e1e40f9be';
/** MGSM's file suffixes are ISO 639-1 codes already. English is GSM8K itself, so it is not drawn. */
const LANGUAGES = ['bn', 'de', 'es', 'fr', 'ja', 'ru', 'sw', 'te', 'th', 'zh'] as const;
const PER_LANGUAGE = 30;

export const source: CorpusSource = {
  name: 'mgsm',
  items(): CorpusItem[] {
    const dev = devIds();
    const english = gsm8kRecords('grade_school_math/data/test.jsonl');
    const items: CorpusItem[] = [];
    for (const language of LANGUAGES) {
      const path = `mgsm/mgsm_${language}.tsv`;
      const rows = readBlob(REPO, COMMIT, path)
        .toString('utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line, index) => {
          const tab = line.lastIndexOf('\t');
          return { index, question: line.slice(0, tab), answer: line.slice(tab + 1).trim() };
        });
      const candidates = rows.filter(({ index }) => {
        const solution = english[index]?.answer ?? '';
        return !dev.has(`gsm8k-test-${index}`) && gsm8kSteps(solution) >= 2;
      });
      for (const row of draw(candidates, PER_LANGUAGE, (r) => `${language}:${r.index}`))
        items.push({
          id: `mgsm-${language}-${row.index}`,
          messages: [{ role: 'user', content: row.question }],
          label: 'complex',
          source: sourceRef(REPO, COMMIT, path),
          source_name: 'mgsm',
          source_category: `mgsm:${language}:multi-step word problem`,
          language,
          license: 'CC-BY-4.0',
          answer: row.answer,
        });
    }
    return items;
  },
};
