// Self-Instruct's user-oriented instructions (Wang et al. 2023, yizhongw/self-instruct, Apache-2.0):
// 252 tasks written by the authors, each motivated by an app (Grammarly, Gmail, Leetcode, Wolfram
// alpha, …), with one instance. They are realistic SHORT requests — rewrite this sentence, draft a
// short email, explain a phrase, classify this tweet — which the corpus otherwise lacks: its other
// moderate items are mostly long passage QA, so short moderate requests fell to simple.
//
// Prompt text: `instruction`, then "\n\n" + the first (only) instance's `input` when that input is
// not empty; both trimmed of surrounding whitespace, otherwise verbatim. One item per instruction;
// the instance's `output` is the item's `answer`.
// Labels: by the source's own category, `motivation_app`, through APP_LABEL; every item was then
// read and those whose mapped label is clearly wrong are dropped (DROPS), never relabelled. Apps
// that mix kinds of work are left unused (UNUSED).
// The file's folder README asks that this evaluation set not be used for training. The licence
// (Apache-2.0) would allow it, but we do as the authors ask: the source is heldOut, so its items go
// to data/complexity/heldout.jsonl, a check the model is never trained on, and no conversation is
// built from them.
import { readBlob, sourceRef, type CorpusItem, type CorpusSource, type Label } from '../source.js';

const REPO = 'yizhongw/self-instruct';
const COMMIT = '0b26ccaa415992100fa32df62d41b994cf928e23';
const PATH = 'human_eval/user_oriented_instructions.jsonl';

/** motivation_app → label, as the app's tasks read (the README's mapping table). */
const APP_LABEL: Readonly<Record<string, Label>> = {
  // Writing, rewriting, short emails and posts, explanations, recommendations, how-tos,
  // extraction or classification of a given text.
  Airbnb: 'moderate',
  Amazon: 'moderate',
  Blogger: 'moderate',
  'CNN News': 'moderate',
  Coursera: 'moderate',
  Explainpaper: 'moderate',
  Facebook: 'moderate',
  Gmail: 'moderate',
  Goodreads: 'moderate',
  'Google Docs': 'moderate',
  'Google Map': 'moderate',
  'Google Meet': 'moderate',
  'Google Scholar': 'moderate',
  'Google Search': 'moderate',
  'Google Sheet': 'moderate',
  Grammarly: 'moderate',
  IMDB: 'moderate',
  Indeed: 'moderate',
  Instagram: 'moderate',
  Jira: 'moderate',
  LinkedIn: 'moderate',
  'MS Excel': 'moderate',
  'MS Powerpoint': 'moderate',
  'MS Word': 'moderate',
  Meetup: 'moderate',
  'National Geographic': 'moderate',
  Netflix: 'moderate',
  Notion: 'moderate',
  Overleaf: 'moderate',
  'Play Store': 'moderate',
  Quora: 'moderate',
  Reddit: 'moderate',
  Redfin: 'moderate',
  'Semantic Scholar': 'moderate',
  'Socratic by Google': 'moderate',
  Spotify: 'moderate',
  StackOverflow: 'moderate',
  Strava: 'moderate',
  Tasty: 'moderate',
  Telegram: 'moderate',
  Twitter: 'moderate',
  Weather: 'moderate',
  Wikipedia: 'moderate',
  Workout: 'moderate',
  Wysa: 'moderate',
  Yelp: 'moderate',
  yelp: 'moderate',
  YouTube: 'moderate',
  'https://cohere.ai/': 'moderate',
  instructables: 'moderate',
  'sth related to real estate?': 'moderate',
  'tripadvisor.com': 'moderate',
  'you.com (YouWrite)': 'moderate',
  // Github's three tasks are a how-to, an example workflow file and naming a repository: no code to
  // write or debug, so moderate, not the coding apps' complex.
  Github: 'moderate',
  // w3schools: how to use a function or a tag, a standard how-to.
  w3schools: 'moderate',
  // Single-word lookups: a definition, synonyms, antonyms, rhymes, a part of speech, fill-in words.
  'merriam-webster.com': 'simple',
  'ludwig.guru': 'simple',
  Wordle: 'simple',
  // The authors' own "(Wolfram alpha)?": a quote completion, a tip calculation, poems naming a thing.
  '(Wolfram alpha)?': 'simple',
  // Coding tasks, proofs and equations, puzzles under constraints.
  Leetcode: 'complex',
  GeeksforGeeks: 'complex',
  'Wolfram alpha': 'complex',
  Sudoku: 'complex',
};

/** Apps not mapped: their tasks are not one kind of work (the README's "not used"). */
const UNUSED: Readonly<Record<string, string>> = {
  Doulingo: 'phrase translation and pronunciation lookups (simple) beside a grammar explanation and reading comprehension (moderate)',
  Messenger: 'chit-chat replies to a chat (simple) beside extraction and classification of a given chat (moderate)',
  ESPN: 'sports statistics tables that need a live database',
  'Google Calendar': 'one item, a small scheduling puzzle: constraint planning, but trivially easy',
  'Google Sheets': 'one item, a spreadsheet formula from an ambiguous description: a coding task or a how-to',
  Markdown: 'one item, a one-line HTML→Markdown conversion (trivial formatting)',
  Scribd: 'one item, the category of a magazine named by its title only (a lookup of what the magazine is)',
  'https://abcnotation.com/': 'one item, the ABC notation of a named folk tune: recall of a score, no clear label',
};

/** Items read as clearly not their app's label, by the number in `user_oriented_task_<n>`. */
const DROPS: Readonly<Record<number, string>> = {
  // moderate apps
  4: 'Grammarly: synonyms of one word ("Sincerely"), a lookup (simple)',
  188: 'Grammarly: alternating capitals in one sentence, trivial formatting (simple)',
  64: 'Instagram: an emoji beside each of three words, trivial formatting (simple)',
  36: 'Netflix: the genres of one series, a single-fact lookup (simple)',
  185: 'Netflix: name the film behind five emojis, a short closed question (simple)',
  229: 'Netflix: name the film with the red and the blue pill, a single-fact lookup (simple)',
  8: 'IMDB: incomplete prompt ("My favorite witty review … is this:" and nothing given), no clear task',
  135: 'Goodreads: one motivational quote, like a fun fact (simple)',
  139: 'Goodreads: the genre of one book, a single-fact lookup (simple)',
  170: 'Indeed: the average salary of one job, a single-fact lookup (simple)',
  250: 'Google Search: the pronunciation of one word, a lookup (simple)',
  174: 'Google Map: directions between two addresses, needs a map tool',
  206: 'Reddit: a one-line compliment, chit-chat (simple)',
  16: 'MS Excel: the names of three Excel functions, lookups (simple)',
  226: 'MS Powerpoint: the hex code of a described colour, a lookup (simple)',
  107: 'National Geographic: a 9-day family itinerary under an activity constraint, long-form planning (beyond moderate)',
  210: 'StackOverflow: a regex that matches exactly the valid IP addresses, a coding task (complex)',
  243: 'w3schools: name the language of a pasted snippet at a glance (simple, convention 3)',
  9: 'you.com (YouWrite): incomplete prompt ("Here are some examples:" and none given), no clear task',
  // simple apps
  70: 'merriam-webster.com: synonyms and how each differs in meaning and usage, a comparison (moderate)',
  71: 'merriam-webster.com: discuss the origins and history of a word, an explanation (moderate)',
  189: 'merriam-webster.com: rewrite a sentence as an alliteration, a rewrite (moderate)',
  204: 'merriam-webster.com: invent a word for a description, creative, not a lookup',
  // complex apps
  92: 'Leetcode: write a problem statement with examples, no code to write (moderate)',
  94: 'Leetcode: list common interview topics (moderate)',
  95: 'Leetcode: advice for a moment in an interview (moderate)',
  96: 'Leetcode: explain a given SQL solution (moderate, convention 5)',
  227: 'Leetcode: fix a missing colon and quotes in three lines, a trivial error (moderate, convention 5)',
  12: 'GeeksforGeeks: any snippet of a Python loop, a standard example (moderate)',
  190: 'GeeksforGeeks: a shell command to read the first 10 lines of a file, a one-command how-to (moderate)',
  195: 'GeeksforGeeks: print("Hello World!") in Ruby, a trivial one-statement translation',
  144: 'Wolfram alpha: the nth term of an arithmetic sequence, one step',
};

interface Instruction {
  readonly id: string;
  readonly motivation_app: string;
  readonly instruction: string;
  readonly instances: readonly { readonly input: string; readonly output: string }[];
}

/** The README's construction rule: instruction, blank line, the first instance's input if any. */
function promptText(row: Instruction): string {
  const input = row.instances[0]?.input.trim() ?? '';
  const instruction = row.instruction.trim();
  return input === '' ? instruction : `${instruction}\n\n${input}`;
}

function taskNumber(id: string): number {
  const match = /^user_oriented_task_(\d+)$/.exec(id);
  if (match?.[1] === undefined) throw new Error(`unexpected self-instruct id ${id}`);
  return Number(match[1]);
}

export const source: CorpusSource = {
  name: 'self-instruct-user',
  heldOut: true,
  items(): CorpusItem[] {
    const rows = readBlob(REPO, COMMIT, PATH)
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Instruction);
    const out: CorpusItem[] = [];
    for (const row of rows) {
      const app = row.motivation_app;
      const label = APP_LABEL[app];
      if (label === undefined) {
        // Every app is either mapped or listed as unused: a new app in the file must be read first.
        if (UNUSED[app] === undefined) throw new Error(`self-instruct app ${app} is neither mapped nor unused`);
        continue;
      }
      const n = taskNumber(row.id);
      if (DROPS[n] !== undefined) continue;
      const answer = row.instances[0]?.output.trim() ?? '';
      out.push({
        id: `self-instruct-user-${n}`,
        messages: [{ role: 'user', content: promptText(row) }],
        label,
        source: sourceRef(REPO, COMMIT, PATH),
        source_name: 'self-instruct-user',
        source_category: `self-instruct-user:${app}`,
        language: 'en',
        license: 'Apache-2.0',
        ...(answer !== '' ? { answer } : {}),
      });
    }
    return out;
  },
};
