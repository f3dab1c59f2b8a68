// Vicuna bench (Zheng et al. 2023, lm-sys/FastChat, Apache-2.0): 80 single-turn questions in 9
// categories, and its Japanese translation (ku-nlp/ja-vicuna-qa-benchmark, Apache-2.0), both under
// one source name since they are the same questions. Labels by category, as the dev set mapped them;
// a question in the dev set stays out in both languages.
import { readBlob, sourceRef, type CorpusItem, type CorpusSource, type Label } from '../source.js';
import { devIds } from './dev-ids.js';

const FILES = [
  {
    repo: 'lm-sys/FastChat',
    commit: '0e6d3e4beaab66f4d3f93db72541a4abab8af28d',
    path: 'fastchat/llm_judge/data/vicuna_bench/question.jsonl',
    answers: 'fastchat/llm_judge/data/vicuna_bench/reference_answer/gpt-4.jsonl',
    language: 'en',
  },
  {
    repo: 'ku-nlp/ja-vicuna-qa-benchmark',
    commit: '128a862da6a4478c3e80ab3c3b716d1417380751',
    path: 'data/jp_bench/question.jsonl',
    answers: 'data/jp_bench/reference_answer/gpt-4/results.jsonl',
    language: 'ja',
  },
] as const;

/** `writing` is unused: it mixes short emails with long pieces. */
const CATEGORY_LABEL: Readonly<Record<string, Label>> = {
  generic: 'moderate',
  knowledge: 'moderate',
  'common-sense': 'moderate',
  counterfactual: 'moderate',
  roleplay: 'moderate',
  fermi: 'complex',
  coding: 'complex',
  math: 'complex',
};

/** Read as clearly not their category's label (the dev set's drops). */
const DROPS: Readonly<Record<number, string>> = {
  67: 'coding: the same task as MT-Bench 130',
  68: 'math: one evaluation of f(2)',
  69: 'math: one linear equation',
  70: 'math: one segment length',
};

interface Question {
  readonly question_id: number;
  readonly category: string;
  readonly turns: readonly string[];
}

interface Answer {
  readonly question_id: number;
  readonly choices: readonly { readonly turns: readonly string[] }[];
}

function jsonl<T>(repo: string, commit: string, path: string): T[] {
  return readBlob(repo, commit, path)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

export const source: CorpusSource = {
  name: 'vicuna-bench',
  items(): CorpusItem[] {
    const dev = devIds();
    const out: CorpusItem[] = [];
    for (const file of FILES) {
      const answers = new Map<number, string>();
      for (const a of jsonl<Answer>(file.repo, file.commit, file.answers)) {
        const text = a.choices[0]?.turns[0];
        if (text !== undefined) answers.set(a.question_id, text);
      }
      for (const q of jsonl<Question>(file.repo, file.commit, file.path)) {
        const label = CATEGORY_LABEL[q.category];
        const text = q.turns[0]?.trim() ?? '';
        if (label === undefined || DROPS[q.question_id] !== undefined || dev.has(`vicuna-${q.question_id}`) || text === '') continue;
        const answer = answers.get(q.question_id);
        out.push({
          id: `vicuna-${file.language}-${q.question_id}`,
          messages: [{ role: 'user', content: text }],
          label,
          source: sourceRef(file.repo, file.commit, file.path),
          source_name: 'vicuna-bench',
          source_category: `vicuna-bench:${q.category}`,
          language: file.language,
          license: 'Apache-2.0',
          ...(answer !== undefined ? { answer } : {}),
        });
      }
    }
    return out;
  },
};
