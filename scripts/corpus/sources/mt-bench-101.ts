// MT-Bench-101 (Bai et al. 2024, mtbench101/mt-bench-101, Apache-2.0): 1,388 real multi-turn
// dialogues in 13 tasks, each turn with a golden assistant reply. An item is a whole dialogue up to
// its last user turn (the earlier turns with their golden replies as context); the task, which is
// about what the last turn asks, decides the label. Tasks whose last turn is not one kind of work
// (GR, TS, SA, SC, PI) are unused (see the README).
import { draw, readBlob, sourceRef, type ChatMessage, type CorpusItem, type CorpusSource, type Label } from '../source.js';

const REPO = 'mtbench101/mt-bench-101';
const COMMIT = 'bc18b3e2c18c99164e11528f1a79c92083db5953';
const PATH = 'data/subjective/mtbench101.jsonl';

/** Task code → label and how many dialogues are drawn from it. */
const TASKS: Readonly<Record<string, { readonly label: Label; readonly n: number; readonly name: string }>> = {
  AR: { label: 'moderate', n: 45, name: 'anaphora resolution' },
  IC: { label: 'moderate', n: 45, name: 'instruction clarification' },
  CC: { label: 'moderate', n: 45, name: 'content confusion' },
  CR: { label: 'moderate', n: 45, name: 'content rephrasing' },
  FR: { label: 'moderate', n: 45, name: 'format rephrasing' },
  SI: { label: 'moderate', n: 45, name: 'separate input' },
  CM: { label: 'moderate', n: 45, name: 'context memory' },
  MR: { label: 'complex', n: 30, name: 'mathematical reasoning' },
};

/** Drawn dialogues read as clearly not their task's label (id → reason). */
const DROPS: Readonly<Record<number, string>> = {
  82: 'IC: asks one fact (a president)',
  86: 'IC: one fact (first emperor of China)',
  110: 'IC: one fact (brightest star)',
  132: 'IC: one fact (g)',
  142: 'IC: one fact (most venomous animal)',
  144: 'IC: one fact (biggest animal by mass)',
  188: 'IC: one fact (most awarded film of 2021)',
  607: 'CC: a yes/no fact (Battle of Marathon)',
  1102: 'SI: translate one short phrase (lookup)',
  1103: 'SI: turn one sentence into a question (trivial)',
  1107: 'SI: unit conversion',
  1110: 'SI: a capital',
  1115: 'SI: translate one short phrase (lookup)',
  1117: 'SI: unit conversion',
  1118: 'SI: negate one sentence (trivial)',
  1124: 'SI: one multiplication',
  1131: 'SI: area of a circle (one formula)',
  1142: 'SI: unit conversion',
  451: 'MR: listing sums of two cards',
  464: 'MR: one calculation',
  467: 'MR: one calculation',
  468: 'MR: ordering three numbers',
  470: 'MR: placing brackets',
  476: 'MR: placing brackets',
  478: 'MR: one calculation',
  482: 'MR: one linear equation',
  493: 'MR: one addition',
  500: 'MR: which chart type (not math)',
  507: 'MR: one subtraction',
  518: 'MR: one-step probability',
  519: 'MR: listing pairs of colours',
  524: 'MR: one sum',
  525: 'MR: listing a one-element set',
};

interface Dialogue {
  readonly task: string;
  readonly id: number;
  readonly history: readonly { readonly user: string; readonly bot: string }[];
}

export function dialogueMessages(d: Dialogue): ChatMessage[] {
  const messages: ChatMessage[] = [];
  d.history.forEach((turn, i) => {
    messages.push({ role: 'user', content: turn.user });
    if (i < d.history.length - 1) messages.push({ role: 'assistant', content: turn.bot });
  });
  return messages;
}

export const source: CorpusSource = {
  name: 'mt-bench-101',
  items(): CorpusItem[] {
    const dialogues = readBlob(REPO, COMMIT, PATH)
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Dialogue);
    const out: CorpusItem[] = [];
    for (const [task, { label, n, name }] of Object.entries(TASKS)) {
      const candidates = dialogues.filter((d) => d.task === task && d.history.every((t) => t.user.trim() !== '' && t.bot.trim() !== ''));
      // Drawn first, then the read drops applied, so a drop does not pull in an unread dialogue.
      for (const d of draw(candidates, n, (c) => `mtbench101-${c.id}`).filter((c) => DROPS[c.id] === undefined))
        out.push({
          id: `mtbench101-${d.id}`,
          messages: dialogueMessages(d),
          label,
          source: sourceRef(REPO, COMMIT, PATH),
          source_name: 'mt-bench-101',
          source_category: `mt-bench-101:${task} ${name}`,
          language: 'en',
          license: 'Apache-2.0',
          answer: d.history.at(-1)?.bot ?? '',
        });
    }
    return out;
  },
};
