// T0/P3 prompts (Sanh et al. 2022; promptsource templates, Apache-2.0) as committed per template in
// yizhongw/self-instruct (Apache-2.0): extractive QA over a given passage, reading comprehension,
// topic and sentiment classification of a given text, and summarising a given article — all
// extraction, classification or summarising of a given text → moderate. Only datasets whose card
// gives a permissive licence are used. A dataset's template files hold the same examples line by
// line, so each template takes its own disjoint slice of one hash order of the lines: no example
// appears under two templates.
import { hashOrder, readBlob, sourceRef, type CorpusItem, type CorpusSource } from '../source.js';
import { devIds } from './dev-ids.js';

const REPO = 'yizhongw/self-instruct';
const COMMIT = '0b26ccaa415992100fa32df62d41b994cf928e23';
const DIR = 'data/finetuning/t0_train_50k/data_per_template';
const PER_TEMPLATE = 5;

interface Dataset {
  /** File-name prefix of the dataset's templates. */
  readonly prefix: string;
  readonly templates: readonly string[];
  readonly kind: string;
  readonly license: string;
}

const QA_TEMPLATES = ['answer_the_following_q', 'based_on', 'question_context_answer', 'tell_what_it_is'];

const DATASETS: readonly Dataset[] = [
  ...['dbert', 'dbidaf', 'droberta'].map((model) => ({
    prefix: `adversarial_qa_${model}_`,
    templates: QA_TEMPLATES,
    kind: 'extractive QA over a given passage',
    license: 'CC-BY-SA-3.0',
  })),
  {
    prefix: 'quoref_',
    templates: [
      'Answer_Friend_Question',
      'Answer_Question_Given_Context',
      'Answer_Test',
      'Context_Contains_Answer',
      'Find_Answer',
      'Found_Context_Online',
      'Given_Context_Answer_Question',
      'Guess_Answer',
      'Guess_Title_For_Context',
      'Read_And_Extract_',
      'What_Is_The_Answer',
    ],
    kind: 'QA over a given article (coreference)',
    license: 'CC-BY-4.0',
  },
  {
    prefix: 'ropes_',
    templates: [
      'background_new_situation_answer',
      'background_situation_middle',
      'given_background_situation',
      'new_situation_background_answer',
      'plain_background_situation',
      'plain_bottom_hint',
      'prompt_beginning',
      'prompt_bottom_hint_beginning',
      'prompt_mix',
      'read_background_situation',
    ],
    kind: 'QA applying a given background text to a given situation',
    license: 'CC-BY-4.0',
  },
  {
    prefix: 'cosmos_qa_',
    templates: [
      'context_description_question_text',
      'context_question_description_text',
      'description_context_question_text',
      'context_description_question_answer_text',
      'context_question_description_answer_text',
      'description_context_question_answer_text',
    ],
    kind: 'reading comprehension of a given text',
    license: 'CC-BY-4.0',
  },
  {
    prefix: 'quartz_',
    templates: [
      'answer_question_based_on',
      'answer_question_below',
      'given_the_fact_answer_the_q',
      'having_read_above_passage',
      'paragraph_question_plain_concat',
      'read_passage_below_choose',
      'use_info_from_paragraph_question',
      'use_info_from_question_paragraph',
    ],
    kind: 'QA over a given fact',
    license: 'CC-BY-4.0',
  },
  {
    prefix: 'wiki_bio_',
    templates: ['comprehension', 'key_content', 'who'],
    kind: 'extracting facts from a given bio / a short bio from given facts',
    license: 'CC-BY-SA-3.0',
  },
  {
    prefix: 'dbpedia_14_',
    templates: ['given_a_choice_of_categories_', 'given_list_what_category_does_the_paragraph_belong_to', 'pick_one_category_for_the_following_text'],
    kind: 'topic classification of a given text',
    license: 'CC-BY-SA-3.0',
  },
  {
    prefix: 'amazon_polarity_',
    templates: [
      'Is_this_product_review_positive',
      'Is_this_review',
      'Is_this_review_negative',
      'User_recommend_this_product',
      'convey_negative_or_positive_sentiment',
      'flattering_or_not',
      'negative_or_positive_tone',
      'user_satisfied',
      'would_you_buy',
    ],
    kind: 'sentiment classification of a given review',
    license: 'Apache-2.0',
  },
  {
    prefix: 'cnn_dailymail_3_0_0_',
    templates: ['2_or_3_sentences', 'news_card_view', 'news_stock', 'news_summary', 'sum_in_brief', 'tldr_summary', 'write_an_outline'],
    kind: 'summarising a given news article',
    license: 'Apache-2.0',
  },
];

interface P3Record {
  readonly prompt: string;
  readonly completion: string;
}

export const source: CorpusSource = {
  name: 't0-p3',
  items(): CorpusItem[] {
    const dev = devIds();
    const out: CorpusItem[] = [];
    for (const dataset of DATASETS) {
      const files = dataset.templates.map((template) => {
        const name = `${dataset.prefix}${template}`;
        const path = `${DIR}/${name}.jsonl`;
        const records = readBlob(REPO, COMMIT, path)
          .toString('utf8')
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as P3Record);
        return { name, path, records };
      });
      const lines = Math.min(...files.map((f) => f.records.length));
      const order = hashOrder(
        Array.from({ length: lines }, (_, i) => i),
        (i) => `${dataset.prefix}${i}`,
      );
      files.forEach(({ name, path, records }, t) => {
        let taken = 0;
        // A window of twice the quota per template leaves room for skipped lines and keeps windows disjoint.
        for (const index of order.slice(t * PER_TEMPLATE * 2, (t + 1) * PER_TEMPLATE * 2)) {
          if (taken === PER_TEMPLATE) break;
          const record = records[index];
          const id = `t0-${name}-${index}`;
          if (record === undefined || record.prompt.trim() === '' || dev.has(id)) continue;
          taken++;
          out.push({
            id,
            messages: [{ role: 'user', content: record.prompt.trim() }],
            label: 'moderate',
            source: sourceRef(REPO, COMMIT, path),
            source_name: 't0-p3',
            source_category: `t0-p3:${name}:${dataset.kind}`,
            language: 'en',
            license: dataset.license,
            answer: record.completion.replace(/<\|endoftext\|>$/, '').trim(),
          });
        }
      });
    }
    return out;
  },
};
