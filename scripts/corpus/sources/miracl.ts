// MIRACL (Zhang et al. 2023, Apache-2.0): information-seeking questions written by native speakers
// of 18 languages (extending TyDi QA, Clark et al. 2020, Apache-2.0), for passage retrieval. The
// questions alone, without any passage, are single-fact lookups ("Who founded WhatsApp?", "Is Creole
// a French pidgin?") → simple. The topic files are read from castorini/anserini-tools (the MIRACL
// authors' group ships them there; project-miracl/miracl points to them and is Apache-2.0). MKQA was
// the planned multilingual fact source, but its one data file is over the snapshot size limit.
import { draw, readBlob, sourceRef, type CorpusItem, type CorpusSource } from '../source.js';
import { EXPLANATION } from './nq-open.js';

const REPO = 'castorini/anserini-tools';
const COMMIT = '5b819c1a45c8a0a3ec9426f476694f44a29dfaf3';
/** Every MIRACL language (the 16 known and the 2 surprise ones, de and yo, which have dev topics only). */
export const MIRACL_LANGUAGES = ['ar', 'bn', 'de', 'en', 'es', 'fa', 'fi', 'fr', 'hi', 'id', 'ja', 'ko', 'ru', 'sw', 'te', 'th', 'yo', 'zh'] as const;
const PER_LANGUAGE = 30;

/**
 * Openings that ask for a reason or a way ("why", "how does") rather than a fact, per language:
 * explanations are moderate by the conventions, so these questions are dropped before drawing.
 * Stated for the languages we can read; bn, te and yo have none (their draws were kept as they are).
 */
export const MIRACL_EXPLANATION: Readonly<Record<string, RegExp>> = {
  en: EXPLANATION,
  de: /^(warum|wieso|weshalb|wie (hat|haben|funktioniert|entsteht|entstand|entwickelt|wird|werden|kann|konnte|macht))/i,
  es: /^¿?\s*(por qué|cómo(?! se llama))/i,
  fr: /^(pourquoi|comment(?! s['’]appel))/i,
  fi: /^(miksi|miten|kuinka(?! (monta|paljon|vanha|pitkä|suuri|korkea|iso)))/i,
  id: /^(mengapa|kenapa|bagaimana)/i,
  ru: /^(почему|зачем|как(?! (называется|называлась|назывался|зовут|звали|переводится)))/i,
  sw: /^(je,?\s*)?kwa nini/i,
  ja: /(なぜ|どうして|どのように|どうやって)/,
  zh: /(为什么|如何|怎么|怎样)/,
  ko: /(왜|어떻게)/,
  ar: /^(لماذا|كيف)/,
  fa: /^(چرا|چگونه|چطور)/,
  hi: /(क्यों|कैसे)/,
  th: /(ทำไม|อย่างไร)/,
};

function path(language: string): string {
  return `topics/topics.miracl-v1.0-${language}-dev.tsv`;
}

export const source: CorpusSource = {
  name: 'miracl',
  items(): CorpusItem[] {
    const items: CorpusItem[] = [];
    for (const language of MIRACL_LANGUAGES) {
      const candidates = readBlob(REPO, COMMIT, path(language))
        .toString('utf8')
        .split('\n')
        .filter((line) => line.includes('\t'))
        .map((line) => {
          const [qid = '', text = ''] = line.split('\t');
          return { id: `miracl-${language}-dev-${qid.trim()}`, text: text.trim() };
        })
        .filter(({ text }) => text !== '' && !(MIRACL_EXPLANATION[language]?.test(text) ?? false));
      for (const { id, text } of draw(candidates, PER_LANGUAGE, (c) => c.id))
        items.push({
          id,
          messages: [{ role: 'user', content: text }],
          label: 'simple',
          source: sourceRef(REPO, COMMIT, path(language)),
          source_name: 'miracl',
          source_category: `miracl:${language}:information-seeking question`,
          language,
          license: 'Apache-2.0',
        });
    }
    return items;
  },
};
