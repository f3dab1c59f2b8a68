// CLINC150 (Larson et al. 2019, clinc/oos-eval, CC BY 3.0): crowd-written requests to a virtual
// assistant in 150 intents. The chit-chat and lookup intents are simple requests to a chat model
// (the dev set's mapping); the other intents need tools or a personal account and are not used.
// Train, val and test are pooled and at most PER_INTENT utterances are drawn per intent, so the
// items stay spread over the intents and over the many phrasings each intent has.
import { draw, readBlob, sourceRef, type CorpusItem, type CorpusSource } from '../source.js';
import { devIds } from './dev-ids.js';

const REPO = 'clinc/oos-eval';
const COMMIT = '828f8093932c8fe6ca7936c3d2e52903b1c523de';
const PATH = 'data/data_full.json';
const PER_INTENT = 25;

/** Small talk with the assistant itself: greetings, thanks, goodbyes, questions about the bot, yes/no/maybe. */
export const CHIT_CHAT_INTENTS = [
  'greeting',
  'goodbye',
  'thank_you',
  'tell_joke',
  'fun_fact',
  'what_is_your_name',
  'how_old_are_you',
  'are_you_a_bot',
  'who_made_you',
  'meaning_of_life',
  'where_are_you_from',
  'do_you_have_pets',
  'what_are_your_hobbies',
  'what_can_i_ask_you',
  'who_do_you_work_for',
  'yes',
  'no',
  'maybe',
] as const;

/** One-fact lookups a chat model answers from what it knows: a definition, a spelling, a sum, a conversion. */
export const LOOKUP_INTENTS = ['definition', 'spelling', 'translate', 'calculator', 'measurement_conversion', 'calories', 'plug_type', 'timezone'] as const;

const SPLITS = ['train', 'val', 'test'] as const;
type Utterance = readonly [text: string, intent: string];
type ClincData = Readonly<Record<(typeof SPLITS)[number], readonly Utterance[]>>;

export const source: CorpusSource = {
  name: 'clinc150',
  items(): CorpusItem[] {
    const data = JSON.parse(readBlob(REPO, COMMIT, PATH).toString('utf8')) as ClincData;
    const dev = devIds();
    const byIntent = new Map<string, { id: string; text: string }[]>();
    for (const split of SPLITS)
      data[split].forEach(([text, intent], index) => {
        const id = `clinc150-${split}-${index}`;
        if (dev.has(id)) return;
        const list = byIntent.get(intent) ?? [];
        list.push({ id, text });
        byIntent.set(intent, list);
      });
    const items: CorpusItem[] = [];
    for (const [kind, intents] of [
      ['chit-chat', CHIT_CHAT_INTENTS],
      ['lookup', LOOKUP_INTENTS],
    ] as const)
      for (const intent of intents) {
        // The same phrasing occurs in more than one split: keep one of each before drawing.
        const unique = new Map<string, { id: string; text: string }>();
        for (const utterance of byIntent.get(intent) ?? []) if (!unique.has(utterance.text)) unique.set(utterance.text, utterance);
        for (const { id, text } of draw([...unique.values()], PER_INTENT, (u) => u.id))
          items.push({
            id,
            messages: [{ role: 'user', content: text }],
            label: 'simple',
            source: sourceRef(REPO, COMMIT, PATH),
            source_name: 'clinc150',
            source_category: `clinc150:${intent} (${kind})`,
            language: 'en',
            license: 'CC-BY-3.0',
          });
      }
    return items;
  },
};
