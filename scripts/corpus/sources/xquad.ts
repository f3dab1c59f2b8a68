// XQuAD (Artetxe et al. 2020, deepmind/xquad, CC BY-SA 4.0): 240 SQuAD paragraphs with 1,190
// questions, professionally translated into 11 languages besides English. Answering a question
// from a given passage is extraction: moderate (labelling convention 2). The prompt is the
// paragraph, a blank line, then the question (the construction rule `passage-question`); one
// question per paragraph, and each language draws its own paragraphs (its own hash order), so
// most texts differ between languages.
import { draw, readBlob, sourceRef, type CorpusItem, type CorpusSource } from '../source.js';

const REPO = 'deepmind/xquad';
const COMMIT = '60cac411649156efb6aab9dd4c9cde787a2c0345';
const LANGUAGES = ['ar', 'de', 'el', 'en', 'es', 'hi', 'ro', 'ru', 'th', 'tr', 'vi', 'zh'] as const;
const PER_LANGUAGE = 40;

interface Squad {
  readonly data: readonly {
    readonly title: string;
    readonly paragraphs: readonly {
      readonly context: string;
      readonly qas: readonly { readonly id: string; readonly question: string; readonly answers: readonly { readonly text: string }[] }[];
    }[];
  }[];
}

export const source: CorpusSource = {
  name: 'xquad',
  items(): CorpusItem[] {
    const out: CorpusItem[] = [];
    for (const language of LANGUAGES) {
      const path = `xquad.${language}.json`;
      const squad = JSON.parse(readBlob(REPO, COMMIT, path).toString('utf8')) as Squad;
      const paragraphs = squad.data.flatMap((article) => article.paragraphs.map((paragraph) => ({ title: article.title, paragraph })));
      for (const { title, paragraph } of draw(paragraphs, PER_LANGUAGE, (p) => `${language}:${p.paragraph.qas[0]?.id ?? ''}`)) {
        const qa = draw(
          paragraph.qas.filter((q) => q.question.trim() !== ''),
          1,
          (q) => `${language}:${q.id}`,
        )[0];
        if (qa === undefined) continue;
        out.push({
          id: `xquad-${language}-${qa.id}`,
          messages: [{ role: 'user', content: `${paragraph.context.trim()}\n\n${qa.question.trim()}` }],
          label: 'moderate',
          source: sourceRef(REPO, COMMIT, path),
          source_name: 'xquad',
          source_category: `xquad:extractive QA over a given paragraph (${title})`,
          language,
          license: 'CC-BY-SA-4.0',
          rule: 'passage-question',
          ...(qa.answers[0] !== undefined ? { answer: qa.answers[0].text } : {}),
        });
      }
    }
    return out;
  },
};
