// Arena-Hard (lmarena/arena-hard-auto, Apache-2.0): real Chatbot Arena prompts picked for being hard.
// v0.1 (500, one category) → complex; v2.0 `hard_prompt` (coding, math) → complex; v2.0
// `creative_writing` → complex only as long-form writing under several constraints. The drawn items
// were read; those whose label would clearly be wrong by the conventions are dropped by id in DROPS
// (reasons in data/complexity/README.md). The language of each prompt is told by its script and, for
// Latin script, by common function words (LANGUAGE_OVERRIDES where that guesses wrong).
import { readBlob, sourceRef, draw, type CorpusItem, type CorpusSource } from '../source.js';
import { devIds } from './dev-ids.js';

const REPO = 'lmarena/arena-hard-auto';
const COMMIT = '196f6b826783b3da7310e361a805fa36f0be83f3';
const STRATA = [
  { version: 'v0.1', category: 'arena-hard-v0.1', n: 120 },
  { version: 'v2.0', category: 'hard_prompt/coding', n: 60 },
  { version: 'v2.0', category: 'hard_prompt/math', n: 80 },
  { version: 'v2.0', category: 'creative_writing/creative_writing', n: 40 },
] as const;

/** Read and dropped, with the reason: the mapped label is clearly wrong, or hygiene (README, Drops). */
export const DROPS: ReadonlyMap<string, string> = new Map([
  ['arenahard-cf475b3e080441dcab5873a3f2443998', 'how-to (generate C# classes from WSDL in Visual Studio); dropped in the dev set too'],
  ['arenahard-80654f6d5b8847c0a833c9e5e93f7943', 'classification of a given word list (moderate); dropped in the dev set too'],
  ['arenahard-7df9c568ef274e23abfab5eee3872d8e', 'hygiene: covert crypto-mining code; dropped in the dev set too'],
  ['arenahard-3d3e0087ee5c4f6eb620799e2267cb7a', 'CSS flexbox how-to'],
  ['arenahard-1bc737e71b3448cc9a5d7a4d0f1c4f77', 'how-to (Swift pattern matching)'],
  ['arenahard-90b29911b57848ec89fc7d8c15f27c88', 'explanation (AI in PE deal sourcing)'],
  ['arenahard-e86055eee1b94b3084ad15e06ca0dc36', 'short unconstrained creative (character card)'],
  ['arenahard-4c960b9ee8744a98997f7bfde177d2d7', 'comparison (game engines, pros and cons)'],
  ['arenahard-5d3696b459d74604b4f2c41e91d99496', 'explanation (JAX sharding)'],
  ['arenahard-04ba0aeb79524f6c8520d47cada34f25', 'how-to (nearest image)'],
  ['arenahard-81283c458922440999606596399603e8', 'explanation (BVH optimizations)'],
  ['arenahard-51139d7be0fe4a07bc2d577614ac4487', 'list and summary of frameworks'],
  ['arenahard-e298dddd08604bfcb1ac428465075b3f', 'trivial edit of a short given snippet'],
  ['arenahard-0e07d745af7e4ec9a2769b77e7ae8ca7', 'summary'],
  ['arenahard-e9820ee34d3b4feaa76ae07d7f4d0ee0', 'how-to (install llvm in nix)'],
  ['arenahard-587d30f25adf445fa0c5a89061b7cb93', 'how-to (shape a baguette)'],
  ['arenahard-2a6d0b92fbb5448bb2f7540db9645674', 'standard business Q&A'],
  ['arenahard-b91d93746f4e41268b8f1da492b0f2d4', 'explanation and comparison'],
  ['arenahard-fd6e7856e1fe489086a831a7893ac3fa', 'how-to (ethical questions)'],
  ['arenahard-b0cf57f5381c4470960abead355af44d', 'how-to (host a streamlit app)'],
  ['arenahard-f776a95f36c741768dfeb9b28bd1936c', 'short how-to'],
  ['arenahard-eb4af5159a964e878216145538406648', 'explanation (STP model)'],
  ['arenahard-d7bf9f6f996b4a22ba5352d23133247e', 'standard how-to (prompt structure)'],
  ['arenahard-fdfea302ee4246689541d7e93e7774a2', 'best-practice list'],
  ['arenahard-4ccfba802f004ca5a5cf4fc27a7a1798', 'needs web browsing; extraction'],
  ['arenahard-14f36f0c38d74548a9aee2f30c8bfdfa', 'short how-to (odoo)'],
  ['arenahard-9d7d8b61b76f4695a5590a9f6bfc0017', 'short how-to (seeds in threads)'],
  ['arenahard-3c59e7294d544fca8730ce329ec237ee', 'standard how-to (IOS-XR interface)'],
  ['arenahard-6225fbb8f3084d57852db56882e972ba', 'one-step arithmetic (assets = liabilities + equity)'],
  ['arenahard-8b15b67245cd4cfaa1ac14f97f55345a', 'explain given code (moderate by convention 5)'],
  ['arenahard-71bb06ecd0ab4f888a73f54df66372cf', 'how-to (train a ViT)'],
  ['arenahard-8bf2bb5a5b224fb886713900c04f7a0c', 'comparison (pros and cons)'],
  ['arenahard-9cdabaf59302429689bf749b2b25ea23', 'explanation'],
  ['arenahard-f7c6dcee42e646abac890e3bb540d403', 'learning-order advice'],
  ['arenahard-07c7df22ca70487fafd0b08c31c7a7bb', 'explanation (currents on a sphere)'],
  ['arenahard-4e1ba5ceea5f4e8b99e968524148ec1c', 'how-to (Keras script)'],
  ['arenahard-0901d02592b347d8aa2cb99b02bf0dad', 'moderation role-play whose reply is one fixed line'],
  ['arenahard2-d89e94a629f04c73', 'how-to (filesystem info without lsblk)'],
  ['arenahard2-27e82a03176a4db2', 'how-to (Maya shader)'],
  ['arenahard2-ad01e0a0988f44b2', 'short how-to (dict lookup)'],
  ['arenahard2-d8729509d1074d6a', 'explain given code'],
  ['arenahard2-dfc9be7c176d46bb', 'rewrite a given prompt'],
  ['arenahard2-9d8a4964a985472e', 'explain given snippet ("what does this do")'],
  ['arenahard2-263e293d5f124cd2', 'unclear request'],
  ['arenahard2-f024ff8b848545cb', 'one-step arithmetic'],
  ['arenahard2-e3610f8a81434e6f', 'incomplete: no question asked'],
  ['arenahard2-cab7467a913b45a5', 'explanation (curve distances)'],
  ['arenahard2-2ed954f0232444b1', 'how-to (abacus)'],
  ['arenahard2-f52e75234c3348bb', 'short example lines'],
  ['arenahard2-51b620f7c9864b4e', 'short 100-word plot'],
  ['arenahard2-3083367b551e4f91', 'rewrite of given text'],
  ['arenahard2-08ec88e5e88e4294', 'unconstrained'],
  ['arenahard2-6ffb9d80859c4418', 'short note'],
  ['arenahard2-96b1f6807445484a', 'transition within given text'],
  ['arenahard2-d657b1fb82b141da', 'short unconstrained poem'],
  ['arenahard2-a4a7638922ff4db0', 'unconstrained story'],
  ['arenahard2-2b950dafa89f4eaa', 'hygiene (profanity request)'],
  ['arenahard2-cfe6a977e8d744b7', 'continuation of given text'],
  ['arenahard2-828b48c1755e4718', 'short captions'],
  ['arenahard2-3f85a0b5438d41a1', 'unconstrained story'],
  ['arenahard2-f54ce279e44f499b', 'unconstrained lyrics'],
  ['arenahard2-a7c13371eb8a4ad7', 'improve given text'],
  ['arenahard2-6b7896a92b0e492a', 'unconstrained script'],
  ['arenahard2-91bced9012dd4289', 'brainstorm of short scenarios'],
  ['arenahard2-e4d04ee7ac294f0f', 'hygiene (non-consensual hypnosis story)'],
  ['arenahard2-6852e256e7844b5b', 'short poem, one constraint'],
  ['arenahard2-4e161445749f4020', 'rewrite of given lyrics'],
  ['arenahard2-071391e7cc534f97', 'continuation of given text'],
  ['arenahard2-1b7592e9c8a346cf', 'hygiene (fiction about named real people)'],
  ['arenahard2-d61f684ce2b24b5b', 'short poem'],
  ['arenahard2-24ff6a19ea344bf2', 'continuation of given text'],
  ['arenahard2-689564b93d9049ab', 'short unconstrained fable'],
  ['arenahard-3971e3d0eb194b8c9344030bebd0c6aa', 'categorise and count given issues (classification of a given text)'],
  ['arenahard2-599165580b0241a4', 'unconstrained dialogue'],
  ['arenahard2-f83b368d013a4d93', 'character system prompt with no task'],
  ['arenahard2-1e64dc4d3029422d', 'conversion of given text to a screenplay'],
  ['arenahard2-0913d8dd7b354e93', 'unconstrained story'],
]);
/** Read: the detector is misled by code or by short text. */
const LANGUAGE_OVERRIDES: Readonly<Record<string, string>> = {
  'arenahard2-6dfd105291784461': 'de',
  'arenahard2-4a0a6996a6554f1d': 'id',
  'arenahard2-f3176f24b8364008': 'en',
  'arenahard2-703efcaa597a4042': 'en',
  'arenahard2-52b8db0870364864': 'en',
  'arenahard2-f4c2ca7c1ca24433': 'en',
  'arenahard2-d10e31c434fd4ea9': 'en',
  'arenahard2-f86e8c99515846eb': 'pl',
};

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
    [/\p{Script=Cyrillic}/gu, 'ru'],
    [/\p{Script=Armenian}/gu, 'hy'],
    [/\p{Script=Arabic}/gu, 'ar'],
    [/\p{Script=Hebrew}/gu, 'he'],
    [/\p{Script=Greek}/gu, 'el'],
    [/\p{Script=Thai}/gu, 'th'],
    [/\p{Script=Devanagari}/gu, 'hi'],
    [/\p{Script=Georgian}/gu, 'ka'],
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
    const dev = devIds();
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
      const inStratum = records.filter((r) => (r.subcategory === undefined ? r.category : `${r.category}/${r.subcategory}`) === category && !dev.has(`${prefix}-${r.uid}`));
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
