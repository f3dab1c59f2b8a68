// ExpertQA (Malaviya et al. 2023, chaitanyamalaviya/ExpertQA, MIT): questions written by experts in
// 32 fields, each ticked by its author with one or more question types. The stage-1 list
// (`data/r1_data_anon.jsonl`, 2,507 questions) is read: the validated stage-2 file is a Git LFS
// object. Its types "summarization of information on a topic", "advice or suggestions on how to
// approach a problem" and "request for opinion on a topic" are explanations, how-tos/advice and
// comparisons/opinions: moderate, however briefly asked (convention 7). This source exists for
// those short moderate requests, which the corpus otherwise had mostly as long passage QA.
import { hashOrder, readBlob, sourceRef, type CorpusItem, type CorpusSource, type Label } from '../source.js';

const REPO = 'chaitanyamalaviya/ExpertQA';
const COMMIT = '1aa7ba81bd4c083c12ef1aa2fee338f6cb60fa87';
const PATH = 'data/r1_data_anon.jsonl';

/**
 * The author's question types → label. A question is used only when every type its author ticked
 * maps here: "directed question with a single unambiguous answer" (expert facts and mechanisms
 * mixed), "open-ended, potentially ambiguous", "hypothetical scenario" (from a one-line what-if to a
 * multi-step legal or clinical case) and "request for a list of resources" (a browsing task) are
 * not one kind of work, so a question carrying any of them is unused.
 */
const TYPE_LABEL: Readonly<Record<string, Label>> = {
  'Summarization of information on a topic': 'moderate',
  'Advice or suggestions on how to approach a problem': 'moderate',
  'Request for opinion on a topic': 'moderate',
};

/** Short requests are what this source is for: longer questions are left out before drawing. */
const MAX_CHARS = 300;
/** Per field (the author's discipline), at most this many, so medicine and engineering do not dominate. */
const PER_FIELD = 10;

/** Drawn questions read as clearly not moderate (ids are `expertqa-r1-<line>`). */
const DROPS: Readonly<Record<string, string>> = {
  'expertqa-r1-64': 'the unit AutoCAD uses: a single fact (simple)',
  'expertqa-r1-228': 'the two branches of procurement: a single fact (simple)',
  'expertqa-r1-1503': 'who discovered America: a single fact (simple)',
  'expertqa-r1-987': 'top UK property developers: a list lookup (simple)',
  'expertqa-r1-1733': 'famous books in Okinawan: a list lookup (simple)',
  'expertqa-r1-1757': 'where to find annotated ebooks: a resource lookup (simple)',
  'expertqa-r1-1792': 'computing homotopy groups of S^2: harder math (complex)',
  'expertqa-r1-1796': 'Frobenius numbers and the Kawamata conjecture: research math (complex)',
  'expertqa-r1-2227': 'force diagram and motion of a coupled oscillator: a physics problem (complex)',
  'expertqa-r1-1887': 'antibiotic choice for a described patient with allergies: clinical analysis (complex)',
  'expertqa-r1-1888': 'work-up of a described ER patient: clinical analysis (complex)',
  'expertqa-r1-2087': 'cause of refractory iron deficiency after stated negative tests: differential diagnosis (complex)',
  'expertqa-r1-747': 'building an API for warehouse management: system design (complex)',
};

interface Record1 {
  readonly question: string;
  readonly metadata: { readonly question_type?: string; readonly field?: string; readonly specific_field?: string };
}

interface Candidate {
  readonly id: string;
  readonly question: string;
  readonly types: readonly string[];
  readonly field: string;
}

/** The label every ticked type agrees on, or null when a type is unused or none was ticked. */
export function expertQaLabel(types: readonly string[]): Label | null {
  const labels = new Set(types.map((t) => TYPE_LABEL[t] ?? null));
  if (labels.size !== 1 || labels.has(null)) return null;
  return [...labels][0] ?? null;
}

export const source: CorpusSource = {
  name: 'expertqa',
  items(): CorpusItem[] {
    const seen = new Set<string>();
    const candidates: Candidate[] = [];
    readBlob(REPO, COMMIT, PATH)
      .toString('utf8')
      .split('\n')
      .forEach((line, index) => {
        if (line.trim() === '') return;
        const record = JSON.parse(line) as Record1;
        const question = record.question.trim();
        const types = (record.metadata.question_type ?? '')
          .split('|')
          .map((t) => t.trim())
          .filter((t) => t !== '');
        // The same question typed twice by its author is kept once (its first line).
        if (question === '' || question.length > MAX_CHARS || seen.has(question)) return;
        seen.add(question);
        candidates.push({ id: `expertqa-r1-${index}`, question, types, field: record.metadata.field ?? 'Other' });
      });
    const perField = new Map<string, number>();
    const out: CorpusItem[] = [];
    for (const c of hashOrder(candidates, (x) => x.id)) {
      const label = expertQaLabel(c.types);
      if (label === null) continue;
      const taken = perField.get(c.field) ?? 0;
      if (taken >= PER_FIELD) continue;
      perField.set(c.field, taken + 1);
      // A drop is applied after the draw: it does not pull in an unread question.
      if (DROPS[c.id] !== undefined) continue;
      out.push({
        id: c.id,
        messages: [{ role: 'user', content: c.question }],
        label,
        source: sourceRef(REPO, COMMIT, PATH),
        source_name: 'expertqa',
        source_category: `expertqa:${c.field}:${[...c.types].sort().join('|')}`,
        language: 'en',
        license: 'MIT',
      });
    }
    return out;
  },
};
