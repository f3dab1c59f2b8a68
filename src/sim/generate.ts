// Deterministic text. A completion is a list of pieces, one per completion token and one per
// streamed delta, drawn from a fixed word list by a generator seeded from the prompt: the same
// request always gets the same text, and a shorter max_tokens gives a prefix of a longer one.

import { seededRandom } from './seed.js';

const WORDS = [
  'the',
  'model',
  'router',
  'token',
  'replica',
  'pool',
  'request',
  'stream',
  'answer',
  'simple',
  'fast',
  'quiet',
  'river',
  'light',
  'stone',
  'garden',
  'signal',
  'cloud',
  'engine',
  'budget',
  'latency',
  'queue',
  'batch',
  'cache',
  'vector',
  'prompt',
  'reply',
  'system',
  'value',
  'number',
  'window',
  'future',
  'of',
  'and',
  'to',
  'in',
  'is',
  'a',
  'with',
  'for',
  'on',
  'every',
  'small',
  'large',
  'green',
  'north',
  'morning',
  'paper',
  'bridge',
  'market',
  'careful',
  'open',
  'second',
  'first',
  'always',
  'never',
  'often',
  'between',
  'under',
  'over',
  'steady',
  'clear',
  'bright',
  'calm',
] as const;

// Built once at load time so generating a token is an array lookup, not string work.
const SPACED = WORDS.map((word) => ` ${word}`);
const CAPITALIZED = WORDS.map((word) => word.charAt(0).toUpperCase() + word.slice(1));
const SPACED_CAPITALIZED = CAPITALIZED.map((word) => ` ${word}`);

export interface TextLimits {
  /** How many tokens to produce unless a stop string ends the text first. */
  readonly maxTokens: number;
  /** True when the client set the limit: reaching it then means finish_reason "length". */
  readonly limitIsExplicit: boolean;
  /** Non-empty stop strings; the text ends before the first occurrence of any of them. */
  readonly stop: readonly string[];
}

export interface GeneratedText {
  /** One entry per completion token; none is empty. */
  readonly pieces: readonly string[];
  readonly finishReason: 'stop' | 'length';
  /** The stop string that ended the text (vLLM's `stop_reason`), else null. */
  readonly stopReason: string | null;
}

export function generateText(seed: number, limits: TextLimits): GeneratedText {
  const random = seededRandom(seed);
  const pieces: string[] = [];
  let text = '';
  let wordsLeftInSentence = sentenceLength(random);
  let startOfSentence = true;
  for (let i = 0; i < limits.maxTokens; i++) {
    let piece: string;
    if (wordsLeftInSentence === 0) {
      piece = '.';
      wordsLeftInSentence = sentenceLength(random);
      startOfSentence = true;
    } else {
      const table = startOfSentence ? (i === 0 ? CAPITALIZED : SPACED_CAPITALIZED) : SPACED;
      piece = table[Math.floor(random() * table.length)] ?? '';
      wordsLeftInSentence--;
      startOfSentence = false;
    }
    pieces.push(piece);
    if (limits.stop.length === 0) continue;
    text += piece;
    const hit = findStop(text, piece.length, limits.stop);
    if (hit !== null) {
      truncatePieces(pieces, hit.index);
      return { pieces, finishReason: 'stop', stopReason: hit.stop };
    }
  }
  return { pieces, finishReason: limits.limitIsExplicit ? 'length' : 'stop', stopReason: null };
}

function sentenceLength(random: () => number): number {
  return 5 + Math.floor(random() * 9);
}

/** Earliest stop string that ends inside the newest piece (earlier text was already checked). */
function findStop(text: string, newPieceLength: number, stops: readonly string[]): { index: number; stop: string } | null {
  let best: { index: number; stop: string } | null = null;
  for (const stop of stops) {
    const from = Math.max(0, text.length - newPieceLength - stop.length + 1);
    const index = text.indexOf(stop, from);
    if (index !== -1 && (best === null || index < best.index)) best = { index, stop };
  }
  return best;
}

/** Keeps only the text before `end`; a piece cut in two keeps its head, empty pieces are dropped. */
function truncatePieces(pieces: string[], end: number): void {
  let offset = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] ?? '';
    if (offset + piece.length > end) {
      const head = piece.slice(0, end - offset);
      pieces.length = i;
      if (head !== '') pieces.push(head);
      return;
    }
    offset += piece.length;
  }
}
