// TheoremQA (TIGER-AI-Lab/TheoremQA, MIT): university-level questions that need a named theorem, in
// math, EE&CS, physics and finance → complex. Questions that need a picture are left out (the text
// alone is not the question). At most PER_FIELD per field.
import { readBlob, sourceRef, hashOrder, type CorpusItem, type CorpusSource } from '../source.js';

const REPO = 'TIGER-AI-Lab/TheoremQA';
const COMMIT = 'acfc9686aa9b49f3c8f189364a9a9ee9c53da039';
const PATH = 'theoremqa_test.json';
/** Drawn items read and dropped as one-step (not complex by the conventions), with the reason. */
export const DROPS: ReadonlyMap<string, string> = new Map([
  ['theoremqa-jianyu_xu/Binomial_6', 'one step (C(8,3))'],
  ['theoremqa-xueguangma/earnings_multiplier_3', 'one step (price / earnings)'],
  ['theoremqa-xueguangma/dividend_discount_model_3', 'one step (dividend / rate)'],
  ['theoremqa-tonyxia/euler-graph3', "one step (Euler's formula)"],
  ['theoremqa-tonyxia/euler-graph2', "one step (Euler's formula)"],
  ['theoremqa-maxku/cv-colorsci1-rgb', 'one-step lookup'],
  ['theoremqa-panlu/wave_length1', 'one step (v / f)'],
  ['theoremqa-tonyxia/photoelectric1', 'one step (hc / wavelength)'],
  ['theoremqa-xueguangma/future_value_1', 'one step (compound interest)'],
  ['theoremqa-xueguangma/effective_rates_1', 'one formula step'],
  ['theoremqa-xueguangma/effective_rates_2', 'one formula step'],
  ['theoremqa-tonyxia/statisticalphysics2', 'one step (3/2 RT)'],
  ['theoremqa-elainewan/math_abstact_algebra_7_3', 'one step (order of a product group)'],
  ['theoremqa-elainewan/math_algebra_7_2', 'one-step yes/no'],
]);

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
    const records = (JSON.parse(readBlob(REPO, COMMIT, PATH).toString('utf8')) as TheoremRecord[]).filter((r) => r.Picture === null || r.Picture === undefined);
    const taken = new Map<string, number>();
    const items: CorpusItem[] = [];
    for (const record of hashOrder(records, (r) => r.id)) {
      const count = taken.get(record.field) ?? 0;
      if (count >= (PER_FIELD[record.field] ?? 0)) continue;
      taken.set(record.field, count + 1);
      const id = `theoremqa-${record.id.replace(/\.json$/, '')}`;
      if (DROPS.has(id)) continue;
      const answer = String(JSON.stringify(record.Answer));
      items.push({
        id,
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
