// ProofNet (zhangir-azerbayev/ProofNet, MIT): undergraduate textbook exercises, each a theorem to prove,
// with a proof, from the benchmark's TeX files → complex (every proof is complex). At most PER_BOOK per
// book so no one textbook dominates.
import { readBlob, sourceRef, hashOrder, type CorpusItem, type CorpusSource } from '../source.js';

const REPO = 'zhangir-azerbayev/ProofNet';
const COMMIT = '509ad79710ed4f46ff5c282ed5640c1aa9ac3f30';
const DIR = 'benchmark/benchmark_to_publish/informal';
const BOOKS = ['Artin', 'Axler', 'Cambridge-Tripos', 'Dummit-Foote', 'Herstein', 'Ireland-Rosen', 'Munkres', 'Pugh', 'Putnam', 'Rudin', 'Shakarchi'] as const;
const PER_BOOK = 16;

/** `\paragraph{Exercise 13.1} statement \begin{proof} proof \end{proof}` blocks of one TeX file. */
export function exercises(tex: string): { name: string; statement: string; proof: string }[] {
  const found: { name: string; statement: string; proof: string }[] = [];
  const pattern = /\\paragraph\{([^}]*)\}([\s\S]*?)\\begin\{proof\}([\s\S]*?)\\end\{proof\}/g;
  for (const match of tex.matchAll(pattern)) {
    const statement = (match[2] ?? '').trim();
    if (statement !== '') found.push({ name: (match[1] ?? '').trim(), statement, proof: (match[3] ?? '').trim() });
  }
  return found;
}

export const source: CorpusSource = {
  name: 'proofnet',
  items(): CorpusItem[] {
    const items: CorpusItem[] = [];
    for (const book of BOOKS) {
      const path = `${DIR}/${book}.tex`;
      const all = exercises(readBlob(REPO, COMMIT, path).toString('utf8'));
      for (const exercise of hashOrder(all, (e) => `${book}:${e.name}`).slice(0, PER_BOOK))
        items.push({
          id: `proofnet-${book}-${exercise.name.replace(/\s+/g, '_')}`,
          messages: [{ role: 'user', content: exercise.statement }],
          label: 'complex',
          source: sourceRef(REPO, COMMIT, path),
          source_name: 'proofnet',
          source_category: `proofnet:${book}:theorem to prove`,
          language: 'en',
          license: 'MIT',
          answer: exercise.proof,
        });
    }
    return items;
  },
};
