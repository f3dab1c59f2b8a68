// Arena-Hard (lmarena/arena-hard-auto, Apache-2.0): real Chatbot Arena prompts picked for being hard.
// v0.1 (500, one category) → complex; v2.0 `hard_prompt` (coding, math) → complex; v2.0
// `creative_writing` → complex only as long-form writing under several constraints. The drawn items
// were read; those whose label would clearly be wrong by the conventions are dropped by id in DROPS
// (reasons in data/complexity/README.md). The language of each prompt is told by its script and, for
// Latin script, by common function words (LANGUAGE_OVERRIDES where that guesses wrong).
import { readBlob, sourceRef, draw, type CorpusItem, type CorpusSource } from '../source.js';

const REPO = 'lmarena/arena-hard-auto';
const COMMIT = '196f6b826783b3da7310e361a805fa36f0be83f3';
const STRATA = [
  { version: 'v0.1', category: 'arena-hard-v0.1', n: 120 },
  { version: 'v2.0', category: 'hard_prompt/coding', n: 60 },
  { version: 'v2.0', category: 'hard_prompt/math', n: 80 },
  { version: 'v2.0', category: 'creative_writing/creative_writing', n: 40 },
] as const;

/** Read and dropped: the mapped label is clearly wrong, or hygiene (README, Drops). */
const DROPS: ReadonlySet<string> = new Set<string>([]);
const LANGUAGE_OVERRIDES: Readonly<Record<string, string>> = {};

interface ArenaRecord {
  readonly uid: string;
  readonly category: string;
  readonly subcategory?: string;
  readonly prompt: string;
}

const FUNCTION_WORDS: Readonly<Record<string, readonly string[]>> = {
  en: ['the', 'and', 'is', 'of', 'to', 'in', 'that', 'for', 'with', 'what', 'how', 'you', 'this'],
  es: ['el', 'la', 'los', 'las', 'que', 'de', 'y', 'en', 'un', 'una', 'por', 'para', 'es', 'con', 'del'],
  fr: ['le', 'la', 'les', 'des', 'et', 'est', 'une', 'un', 'que', 'pour', 'dans', 'sur', 'avec', 'je', 'du'],
  de: ['der', 'die', 'das', 'und', 'ist', 'nicht', 'ein', 'eine', 'mit', 'ich', 'für', 'auf', 'zu', 'den'],
  pt: ['o', 'os', 'as', 'que', 'de', 'e', 'um', 'uma', 'para', 'com', 'não', 'do', 'da', 'em', 'é'],
  it: ['il', 'lo', 'gli', 'che', 'di', 'e', 'un', 'una', 'per', 'con', 'non', 'è', 'della', 'sono'],
};

/** ISO 639-1 of a prompt: non-Latin scripts by their letters, Latin by function words. */
export function detectLanguage(text: string): string {
  const count = (pattern: RegExp) => (text.match(pattern) ?? []).length;
  const kana = count(/[\p{Script=Hiragana}\p{Script=Katakana}]/gu);
  const han = count(/\p{Script=Han}/gu);
  const hangul = count(/\p{Script=Hangul}/gu);
  if (kana >= 3) return 'ja';
  if (hangul >= 3) return 'ko';
  if (han >= 3) return 'zh';
  const scripts: readonly [RegExp, string][] = [
    [/\p{Script=Cyrillic}/gu, 'ru'], [/\p{Script=Armenian}/gu, 'hy'], [/\p{Script=Arabic}/gu, 'ar'],
    [/\p{Script=Hebrew}/gu, 'he'], [/\p{Script=Greek}/gu, 'el'], [/\p{Script=Thai}/gu, 'th'],
    [/\p{Script=Devanagari}/gu, 'hi'], [/\p{Script=Georgian}/gu, 'ka'],
  ];
  for (const [pattern, code] of scripts) if (count(pattern) >= 10) return code;
  if (count(/[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơư]/giu) >= 5) return 'vi';
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  let best = 'en';
  let bestScore = 0;
  for (const [code, list] of Object.entries(FUNCTION_WORDS)) {
    const set = new Set(list);
    const score = words.filter((w) => set.has(w)).length;
    if (score > bestScore) [best, bestScore] = [code, score];
  }
  return best;
}

export const source: CorpusSource = {
  name: 'arena-hard',
  items(): CorpusItem[] {
    const items: CorpusItem[] = [];
    const files = new Map<string, ArenaRecord[]>();
    for (const { version, category, n } of STRATA) {
      const path = `data/arena-hard-${version}/question.jsonl`;
      const records =
        files.get(path) ??
        readBlob(REPO, COMMIT, path)
          .toString('utf8')
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as ArenaRecord);
      files.set(path, records);
      const prefix = version === 'v0.1' ? 'arenahard' : 'arenahard2';
      const inStratum = records.filter((r) => (r.subcategory === undefined ? r.category : `${r.category}/${r.subcategory}`) === category);
      const kept = draw(inStratum, n, (r) => `${prefix}-${r.uid}`).filter((r) => !DROPS.has(`${prefix}-${r.uid}`));
      for (const record of kept) {
        const id = `${prefix}-${record.uid}`;
        items.push({
          id,
          messages: [{ role: 'user', content: record.prompt }],
          label: 'complex',
          source: sourceRef(REPO, COMMIT, path),
          source_name: 'arena-hard',
          source_category: `arena-hard-${version}:${category}`,
          language: LANGUAGE_OVERRIDES[id] ?? detectLanguage(record.prompt),
          license: 'Apache-2.0',
        });
      }
    }
    return items;
  },
};
