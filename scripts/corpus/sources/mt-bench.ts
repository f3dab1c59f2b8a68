// MT-Bench (Zheng et al. 2023, Apache-2.0): 80 two-turn questions in 8 categories, in English
// (lm-sys/RouteLLM's copy of FastChat's question.jsonl) and machine-translated into 13 languages
// (ServiceNow/FastChat, the M2Lingual authors' multilingual MT-Bench). Both turns are items:
// turn 1 alone, and the real second turn after turn 1 and a real model reply to it (English:
// gpt-4-1106-preview's answer, committed inside RouteLLM's MT-Bench judgements; translations: the
// GPT-4 reference answer committed beside each language's questions). Labels by category; the
// (question, turn) pairs read as clearly mislabelled are dropped, in every language alike.
import { draw, readBlob, sourceRef, type ChatMessage, type CorpusItem, type CorpusSource, type Label } from '../source.js';
import { devIds } from './dev-ids.js';

const ROUTELLM = 'lm-sys/RouteLLM';
const ROUTELLM_COMMIT = '0b64fdafe049e596a3f5657c219329f24af24198';
const QUESTIONS = 'routellm/evals/mt_bench/question.jsonl';
const JUDGEMENTS = 'routellm/evals/mt_bench/judgements.jsonl';
/** The model whose turn-1 answers are the assistant turn of English second-turn items. */
const REPLY_MODEL = 'gpt-4-1106-preview';

const MULTI = 'ServiceNow/FastChat';
const MULTI_COMMIT = '57659b0588c8077b855f48ba9421bf31fbcd9f72';
/** Folder suffix under fastchat/llm_judge/data/mt_bench_<dir> → ISO 639-1. */
const LANGUAGES: Readonly<Record<string, string>> = {
  bengali: 'bn',
  de: 'de',
  es: 'es',
  fr: 'fr',
  gujarati: 'gu',
  hindi: 'hi',
  it: 'it',
  jp: 'ja',
  nl: 'nl',
  pt: 'pt',
  tamil: 'ta',
  thai: 'th',
  urdu: 'ur',
};
/** Per translated language, per category and turn, this many questions are drawn. */
const PER_LANGUAGE_CATEGORY_TURN = 2;
/**
 * Raised draws (`category:turn`). Turn 1 of stem and humanities is a short explanation or
 * discussion question ("What is superposition…?", "Explain the base rate fallacy…", 70–330
 * characters): the short moderate requests the corpus lacked in other languages than English, where
 * the learned model sent them to simple. Every usable question is taken (5 stem, 4 humanities once
 * the dev set's and the drops are out). A larger draw keeps the first two of the same hash order.
 */
const RAISED_DRAW: Readonly<Record<string, number>> = { 'stem:1': 5, 'humanities:1': 5 };

/** The README's mapping: the question's category decides, for either turn. */
const CATEGORY_LABEL: Readonly<Record<string, Label>> = {
  extraction: 'moderate',
  stem: 'moderate',
  humanities: 'moderate',
  roleplay: 'moderate',
  reasoning: 'complex',
  math: 'complex',
  coding: 'complex',
  writing: 'complex',
};

/** Turn 1 read as clearly not its category's label (the dev set's drops, same reasons). */
const DROP_TURN1: Readonly<Record<number, string>> = {
  82: 'short email, not long-form writing',
  83: 'an outline, not long-form writing',
  84: 'short email, not long-form writing',
  85: 'two paragraphs, lightly constrained',
  86: 'one descriptive paragraph',
  88: 'one opening paragraph',
  89: 'four headlines',
  90: 'grammar correction of a paragraph (moderate)',
  99: 'a proof (complex) in roleplay',
  102: 'a riddle',
  103: 'open brainstorm, not multi-step reasoning',
  107: 'one-step relation',
  108: 'odd-one-out lookup',
  120: 'single-step evaluation of f(2)',
  154: 'three-day lesson plan (long-form planning)',
};

/** Turn 2 read as clearly not its category's label. */
const DROP_TURN2: Readonly<Record<number, string>> = {
  82: 'self-critique of a short email (moderate)',
  83: 'a limerick, short',
  84: 'rephrasing a short email',
  85: 'revising two paragraphs, not long-form',
  88: 'three-bullet summary (moderate)',
  89: 'rewording one headline',
  90: 'removing pronouns from a paragraph (moderate)',
  92: 'chit-chat invitation (simple)',
  95: 'translating one idiom (a lookup: simple)',
  99: 'a proof (complex) in roleplay',
  101: 'one-step variant of a trick question',
  102: 'riddle follow-up',
  103: 'explain why a riddle is interesting (moderate)',
  108: 'odd-one-out follow-up',
  110: 'list evidence to look for (moderate)',
  112: 'one halving step',
  123: 'a one-line CSS how-to (moderate)',
  143: 'a Fermi estimate (complex)',
  147: 'calculations on a design (beyond moderate)',
  148: 'budget estimate (multi-step estimation)',
  154: 'lesson-plan detail (long-form planning)',
  155: 'a budgeted plan (planning)',
  156: 'a detailed campaign plan (planning)',
  157: 'a long argument analysis essay (beyond moderate)',
};

interface Question {
  readonly question_id: number;
  readonly category: string;
  readonly turns: readonly string[];
}

interface Judgement {
  readonly question_id: number;
  readonly model: string;
  readonly judge: readonly string[];
  readonly user_prompt: string;
}

interface ReferenceAnswer {
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

/** The label of `turn` (1 or 2) of question `q`, or null when that pair is dropped. */
export function mtBenchLabel(q: Question, turn: 1 | 2): Label | null {
  const drops = turn === 1 ? DROP_TURN1 : DROP_TURN2;
  if (drops[q.question_id] !== undefined) return null;
  return CATEGORY_LABEL[q.category] ?? null;
}

/**
 * The assistant's turns in a multi-turn judge prompt: the text after each `### Assistant A:` up to
 * the next `### User:` inside the judged conversation (the reference answer block is skipped).
 */
export function judgedReplies(userPrompt: string): string[] {
  const start = userPrompt.indexOf("<|The Start of Assistant A's Conversation with User|>");
  const end = userPrompt.indexOf("<|The End of Assistant A's Conversation with User|>");
  if (start < 0 || end < start) return [];
  return userPrompt
    .slice(start, end)
    .split('### Assistant A:\n')
    .slice(1)
    .map((part) => part.split('\n\n### User:\n')[0]?.trim() ?? '');
}

function items(q: Question, reply: readonly string[], language: string, ref: string, idPrefix: string, license: string, turns: readonly (1 | 2)[]): CorpusItem[] {
  const out: CorpusItem[] = [];
  for (const turn of turns) {
    const label = mtBenchLabel(q, turn);
    const first = q.turns[0]?.trim() ?? '';
    const second = q.turns[1]?.trim() ?? '';
    if (label === null || first === '') continue;
    let messages: ChatMessage[];
    if (turn === 1) messages = [{ role: 'user', content: first }];
    else {
      const answer = reply[0]?.trim() ?? '';
      if (second === '' || answer === '') continue;
      messages = [
        { role: 'user', content: first },
        { role: 'assistant', content: answer },
        { role: 'user', content: second },
      ];
    }
    const answer = reply[turn - 1];
    out.push({
      id: `${idPrefix}-t${turn}-${q.question_id}`,
      messages,
      label,
      source: ref,
      source_name: 'mt-bench',
      source_category: `mt-bench:${q.category}:turn${turn}`,
      language,
      license,
      ...(answer !== undefined && answer.trim() !== '' ? { answer } : {}),
    });
  }
  return out;
}

export const source: CorpusSource = {
  name: 'mt-bench',
  items(): CorpusItem[] {
    const dev = devIds();
    // A dev item's question stays out in every language and both turns (its turn 1 would be the
    // context of its turn 2), so the dev set remains unseen.
    const notDev = (q: Question) => !dev.has(`mtbench-${q.question_id}`);
    const out: CorpusItem[] = [];

    const replies = new Map<number, string[]>();
    for (const j of jsonl<Judgement>(ROUTELLM, ROUTELLM_COMMIT, JUDGEMENTS))
      if (j.model === REPLY_MODEL && (j.judge[1] ?? '').endsWith('multi-turn')) replies.set(j.question_id, judgedReplies(j.user_prompt));
    const english = jsonl<Question>(ROUTELLM, ROUTELLM_COMMIT, QUESTIONS).filter(notDev);
    for (const q of english) out.push(...items(q, replies.get(q.question_id) ?? [], 'en', sourceRef(ROUTELLM, ROUTELLM_COMMIT, QUESTIONS), 'mtbench-en', 'Apache-2.0', [1, 2]));

    for (const [dir, language] of Object.entries(LANGUAGES)) {
      const path = `fastchat/llm_judge/data/mt_bench_${dir}/question.jsonl`;
      const refs = new Map<number, readonly string[]>();
      for (const r of jsonl<ReferenceAnswer>(MULTI, MULTI_COMMIT, `fastchat/llm_judge/data/mt_bench_${dir}/reference_answer/gpt-4.jsonl`))
        refs.set(r.question_id, r.choices[0]?.turns ?? []);
      const questions = jsonl<Question>(MULTI, MULTI_COMMIT, path).filter(notDev);
      for (const category of Object.keys(CATEGORY_LABEL))
        for (const turn of [1, 2] as const) {
          const candidates = questions.filter((q) => q.category === category && mtBenchLabel(q, turn) !== null);
          const n = RAISED_DRAW[`${category}:${turn}`] ?? PER_LANGUAGE_CATEGORY_TURN;
          for (const q of draw(candidates, n, (c) => `${language}:${turn}:${c.question_id}`))
            out.push(...items(q, refs.get(q.question_id) ?? [], language, sourceRef(MULTI, MULTI_COMMIT, path), `mtbench-${language}`, 'Apache-2.0', [turn]));
        }
    }
    return out;
  },
};
