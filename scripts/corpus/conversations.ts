// Conversations and wrappers built by stated rules from the single-turn items (data/complexity/
// README.md, "Construction rules"). Every choice is a hash order or a hash pick, so the same items
// give the same output. Labels follow the conventions: the last user turn decides, read in its
// context. Assistant turns are only the sources' own answers or the short generic replies stated
// in stated-turns.ts; nothing here writes an answer.
import { hashOrder, sha256, type ChatMessage, type CorpusItem, type Label } from './source.js';
import { CHECK_IN, CODE_LANGUAGE_QUESTIONS, PHRASES, REQUEST_WRAPPERS, SYSTEM_PROMPTS, TEXT_LANGUAGE_QUESTIONS, YEAR_QUESTIONS } from './stated-turns.js';

/** How many items each rule builds (fewer when the items cannot supply them). */
export const COUNTS = {
  thanksClose: 420,
  chitChatOpen: { simple: 0, moderate: 230, complex: 230 },
  followUp: { simple: 90, moderate: 220, complex: 180 },
  pleasantries: 260,
  politeWrap: { moderate: 90, complex: 90 },
  codeLanguage: 110,
  textLanguage: 90,
  passageYear: 90,
} as const;
/** Share of the source items copied with a system prompt (rule system-prompt), by hash over every label alike. */
const SYSTEM_COPY_PERCENT = 6;
/** Share of the conversations above that also get a system prompt (rule system-prompt on top). */
const SYSTEM_SHARE_PERCENT = 20;
/** Replies longer than this are not used as an assistant turn (a whole design document is not a chat reply). */
const MAX_REPLY = 6000;
/** A substantive exchange has an answer of at least this many characters. */
const MIN_SUBSTANTIVE_REPLY = 20;
/** Pasted content: long enough to be a paste, short enough to be a chat message. */
const PASTE = { min: 120, max: 2500 } as const;
/** A year 1500–2049 standing alone (not part of a longer number, an amount or a measure). */
const YEAR = /(?<![\d$€£.,])(1[5-9]\d\d|20[0-4]\d)(?![\d%.,]\d|\s*(dollars|euros|km|kg|m\b|people|units|meters|miles|cm))/;
/** CLINC150 replies that acknowledge (they close a chat after a check-in question). */
const ACK_YES = /^(yes|yep|yeah|yup|oh yes|yes that is right|yes it does)[.!]*$/i;
const ACK_NO = /^(no|nope|nah|naw|no thanks?( you)?|not really|i must say no)[.!]*$/i;

/** Where the stated turns come from, for items whose last user turn is one of them. */
const STATED = {
  source: 'switchyard:scripts/corpus/stated-turns.ts',
  source_name: 'stated-turns',
  license: 'Apache-2.0',
} as const;

type Rule = 'thanks-close' | 'chit-chat-open' | 'follow-up' | 'pleasantries' | 'polite-wrap' | 'code-language' | 'text-language' | 'passage-year' | 'system-prompt';

/** A deterministic pick from a list by the hash of a key. */
function pick<T>(list: readonly T[], key: string): T {
  const value = list[Number.parseInt(sha256(key).slice(0, 8), 16) % list.length];
  if (value === undefined) throw new Error('pick from an empty list');
  return value;
}

function percentOf(key: string): number {
  return Number.parseInt(sha256(key).slice(0, 8), 16) % 100;
}

function userTurns(item: CorpusItem): number {
  return item.messages.filter((m) => m.role === 'user').length;
}

function isSingleTurn(item: CorpusItem): boolean {
  return item.messages.length === 1 && item.messages[0]?.role === 'user';
}

function lastUser(item: CorpusItem): string {
  return item.messages.at(-1)?.content ?? '';
}

/** The source's answer when it can stand as the assistant's reply. */
function reply(item: CorpusItem, min: number): string | null {
  const answer = item.answer?.trim() ?? '';
  return answer.length >= min && answer.length <= MAX_REPLY ? answer : null;
}

/** The CLINC150 intent of an item (`clinc150:thank_you (chit-chat)` → `thank_you`), or null. */
function clincIntent(item: CorpusItem): string | null {
  const match = /^clinc150:(\w+)/.exec(item.source_category);
  return item.source_name === 'clinc150' && match !== null ? (match[1] ?? null) : null;
}

/** Ends a question with a question mark of its script, so templates read naturally. */
function asQuestion(text: string, language: string): string {
  const trimmed = text.trim();
  if (/[?？؟.!。！]$/.test(trimmed)) return trimmed;
  if (language === 'ja' || language === 'zh') return `${trimmed}？`;
  if (language === 'ar' || language === 'fa' || language === 'ur') return `${trimmed}؟`;
  return `${trimmed}?`;
}

function builtId(rule: Rule, parts: readonly string[]): string {
  return `conv-${rule}-${sha256([rule, ...parts].join('\n')).slice(0, 12)}`;
}

/** A built item that takes source, language and licence from the item supplying its last user turn. */
function built(
  rule: Rule,
  parts: readonly string[],
  messages: readonly ChatMessage[],
  label: Label,
  last: Pick<CorpusItem, 'source' | 'source_name' | 'source_category' | 'license'>,
  language: string,
  context: readonly CorpusItem[],
): CorpusItem {
  // A quoted item that is itself a conversation brings its own context sources along.
  const contextSources = [...new Set(context.flatMap((item) => [item.source_name, ...(item.context_sources ?? [])]))];
  return {
    id: builtId(rule, parts),
    messages,
    label,
    source: last.source,
    source_name: last.source_name,
    source_category: last.source_category,
    language,
    license: last.license,
    rule,
    ...(contextSources.length > 0 ? { context_sources: contextSources } : {}),
  };
}

/** Up to `n` items of `pool` in the rule's hash order. */
function drawFor<T extends { readonly id: string }>(rule: string, pool: readonly T[], n: number): T[] {
  return hashOrder(pool, (item) => `${rule}:${item.id}`).slice(0, n);
}

interface Closer {
  readonly text: string;
  readonly language: string;
  /** The CLINC item it came from, or null for a stated closer. */
  readonly item: CorpusItem | null;
  readonly checkIn: string | null;
}

/** Rule thanks-close: a substantive exchange, then a thanks, goodbye or acknowledgement → simple. */
function thanksClose(items: readonly CorpusItem[]): CorpusItem[] {
  const english: Closer[] = [];
  for (const item of items) {
    const intent = clincIntent(item);
    const text = lastUser(item);
    if (intent === 'thank_you' || intent === 'goodbye') english.push({ text, language: 'en', item, checkIn: null });
    else if (intent === 'yes' && ACK_YES.test(text)) english.push({ text, language: 'en', item, checkIn: CHECK_IN.yes });
    else if (intent === 'no' && ACK_NO.test(text)) english.push({ text, language: 'en', item, checkIn: CHECK_IN.no });
  }
  const stated = (language: string): Closer[] => (PHRASES[language]?.closers ?? []).map((text) => ({ text, language, item: null, checkIn: null }));
  english.push(...stated('en'));
  const threads = items.filter((item) => item.label !== 'simple' && reply(item, MIN_SUBSTANTIVE_REPLY) !== null);
  const out: CorpusItem[] = [];
  for (const thread of drawFor('thanks-close', threads, COUNTS.thanksClose)) {
    const own = thread.language === 'en' ? [] : stated(thread.language);
    const closer = pick(own.length > 0 ? own : english, `thanks-close:${thread.id}`);
    const answer = reply(thread, MIN_SUBSTANTIVE_REPLY) ?? '';
    const messages: ChatMessage[] = [
      ...thread.messages,
      { role: 'assistant', content: closer.checkIn === null ? answer : `${answer}\n\n${closer.checkIn}` },
      { role: 'user', content: closer.text },
    ];
    const last = closer.item ?? { ...STATED, source_category: 'stated:closer' };
    out.push(built('thanks-close', [thread.id, closer.item?.id ?? closer.text], messages, 'simple', last, closer.language, [thread]));
  }
  return out;
}

/** Rule chit-chat-open: a greeting and a generic reply, then a request → the request's label. */
function chitChatOpen(items: readonly CorpusItem[]): CorpusItem[] {
  const clincGreetings = items.filter((item) => clincIntent(item) === 'greeting');
  const out: CorpusItem[] = [];
  for (const label of ['simple', 'moderate', 'complex'] as const) {
    const pool = items.filter((item) => item.label === label && isSingleTurn(item) && clincIntent(item) === null);
    for (const request of drawFor(`chit-chat-open:${label}`, pool, COUNTS.chitChatOpen[label])) {
      const key = `chit-chat-open:${request.id}`;
      const own = request.language === 'en' ? undefined : PHRASES[request.language];
      const language = own !== undefined && own.greetings.length > 0 ? request.language : 'en';
      const phrases = PHRASES[language];
      if (phrases === undefined) continue;
      // English greetings: CLINC150's when it is in the corpus, else the stated ones.
      const greetingItem = language === 'en' && clincGreetings.length > 0 ? pick(clincGreetings, key) : null;
      const greeting = greetingItem === null ? pick(phrases.greetings, key) : lastUser(greetingItem);
      const messages: ChatMessage[] = [
        { role: 'user', content: greeting },
        { role: 'assistant', content: pick(phrases.greetingReplies, `${key}:reply`) },
        { role: 'user', content: lastUser(request) },
      ];
      const context = greetingItem === null ? [] : [greetingItem];
      out.push(built('chit-chat-open', [request.id, greetingItem?.id ?? greeting], messages, request.label, request, request.language, context));
    }
  }
  return out;
}

/** Rule follow-up: an exchange with its answer, then a new request → the new request's label. */
function followUp(items: readonly CorpusItem[]): CorpusItem[] {
  // A thread whose reply ends in a question could make a bare reply accept an offer: not used.
  const threads = items.filter((item) => {
    const answer = reply(item, 1);
    return answer !== null && !/[?？]$/.test(answer);
  });
  const byLanguage = new Map<string, CorpusItem[]>();
  for (const thread of threads) byLanguage.set(thread.language, [...(byLanguage.get(thread.language) ?? []), thread]);
  const out: CorpusItem[] = [];
  for (const label of ['simple', 'moderate', 'complex'] as const) {
    // CLINC yes/no/maybe are answers to a question, not a new request.
    const pool = items.filter((item) => {
      const intent = clincIntent(item);
      return item.label === label && isSingleTurn(item) && intent !== 'yes' && intent !== 'no' && intent !== 'maybe';
    });
    for (const request of drawFor(`follow-up:${label}`, pool, COUNTS.followUp[label])) {
      const candidates = (byLanguage.get(request.language) ?? byLanguage.get('en') ?? threads).filter((t) => t.id !== request.id);
      if (candidates.length === 0) continue;
      const thread = pick(candidates, `follow-up:${request.id}`);
      const messages: ChatMessage[] = [...thread.messages, { role: 'assistant', content: reply(thread, 1) ?? '' }, { role: 'user', content: lastUser(request) }];
      out.push(built('follow-up', [thread.id, request.id], messages, request.label, request, request.language, [thread]));
    }
  }
  return out;
}

/** Rule pleasantries: a fact question wrapped in a greeting and a thanks in the same turn → simple. */
function pleasantries(items: readonly CorpusItem[]): CorpusItem[] {
  const pool = items.filter(
    (item) =>
      item.label === 'simple' &&
      isSingleTurn(item) &&
      lastUser(item).length <= 300 &&
      !item.source_category.includes('chit-chat') &&
      (PHRASES[item.language]?.pleasantries.length ?? 0) > 0,
  );
  return drawFor('pleasantries', pool, COUNTS.pleasantries).map((question) => {
    const template = pick(PHRASES[question.language]?.pleasantries ?? [], `pleasantries:${question.id}`);
    const content = template.replace('{q}', asQuestion(lastUser(question), question.language));
    return built('pleasantries', [question.id, template], [{ role: 'user', content }], 'simple', question, question.language, []);
  });
}

/** Rule polite-wrap: a moderate or complex request with a greeting and a thanks in the same turn → its label. */
function politeWrap(items: readonly CorpusItem[]): CorpusItem[] {
  const out: CorpusItem[] = [];
  for (const label of ['moderate', 'complex'] as const) {
    const pool = items.filter((item) => item.label === label && isSingleTurn(item) && lastUser(item).length <= 1500 && (REQUEST_WRAPPERS[item.language]?.length ?? 0) > 0);
    for (const request of drawFor(`polite-wrap:${label}`, pool, COUNTS.politeWrap[label])) {
      const template = pick(REQUEST_WRAPPERS[request.language] ?? [], `polite-wrap:${request.id}`);
      const content = template.replace('{r}', lastUser(request).trim());
      out.push(built('polite-wrap', [request.id, template], [{ role: 'user', content }], request.label, request, request.language, []));
    }
  }
  return out;
}

interface Paste {
  readonly text: string;
  readonly item: CorpusItem;
}

/** Fenced code blocks in an item's turns and answer, of a pasteable length. */
function codeBlocks(item: CorpusItem): string[] {
  const texts = [...item.messages.map((m) => m.content), item.answer ?? ''];
  const blocks: string[] = [];
  for (const text of texts)
    for (const match of text.matchAll(/```[\w+#.-]*\n([\s\S]*?)```/g)) {
      const code = (match[1] ?? '').trim();
      if (code.length >= PASTE.min && code.length <= PASTE.max) blocks.push(code);
    }
  return blocks;
}

/** Prose answers (no code, no TeX) of a pasteable length. */
function passage(item: CorpusItem): string | null {
  const answer = item.answer?.trim() ?? '';
  if (answer.length < 300 || answer.length > PASTE.max || answer.includes('```') || answer.includes('$')) return null;
  return answer;
}

/** A question and a pasted text, the question after the text or before it. */
function withPaste(paste: string, question: string, key: string, fence: boolean): string {
  const shown = fence ? `\`\`\`\n${paste}\n\`\`\`` : paste;
  return percentOf(`${key}:order`) < 70 ? `${shown}\n\n${question}` : `${question}\n\n${shown}`;
}

/** A question language: English mostly, the others of the table by hash. */
function questionIn(table: Readonly<Record<string, readonly string[]>>, key: string): { language: string; question: string } {
  const languages = Object.keys(table).filter((language) => language !== 'en');
  const language = percentOf(`${key}:language`) < 70 || languages.length === 0 ? 'en' : pick(languages, `${key}:which`);
  return { language, question: pick(table[language] ?? [], `${key}:question`) };
}

/** Rules code-language, text-language (simple) and passage-year (moderate) over pasted content. */
function pasted(items: readonly CorpusItem[]): CorpusItem[] {
  const code: Paste[] = [];
  const prose: Paste[] = [];
  const seen = new Set<string>();
  const fresh = (text: string): boolean => {
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  };
  for (const item of items) {
    for (const text of codeBlocks(item)) if (fresh(text)) code.push({ text, item });
    const text = passage(item);
    if (text !== null && fresh(text)) prose.push({ text, item });
  }
  const out: CorpusItem[] = [];
  const make = (rule: Rule, pool: readonly Paste[], n: number, table: Readonly<Record<string, readonly string[]>>, label: Label, fence: boolean) => {
    const keyed = pool.map((paste) => ({ ...paste, id: sha256(paste.text) }));
    for (const paste of drawFor(rule, keyed, n)) {
      const key = `${rule}:${paste.id}`;
      const { language, question } = questionIn(table, key);
      const content = withPaste(paste.text, question, key, fence && percentOf(`${key}:fence`) < 50);
      out.push(built(rule, [paste.item.id, paste.id, question], [{ role: 'user', content }], label, paste.item, language, []));
    }
  };
  make('code-language', code, COUNTS.codeLanguage, CODE_LANGUAGE_QUESTIONS, 'simple', true);
  make('text-language', prose, COUNTS.textLanguage, TEXT_LANGUAGE_QUESTIONS, 'simple', false);
  // Years only in prose answers to moderate requests: in math solutions a four-digit number is a quantity.
  const yearPool = prose.filter((paste) => paste.item.label === 'moderate' && YEAR.test(paste.text));
  make('passage-year', yearPool, COUNTS.passageYear, YEAR_QUESTIONS, 'moderate', false);
  return out;
}

/** Rule system-prompt: a stated system prompt before the turns; the label does not change. */
function withSystemPrompt(item: CorpusItem, key: string): ChatMessage[] {
  return [{ role: 'system', content: pick(SYSTEM_PROMPTS, `system-prompt:${key}`) }, ...item.messages];
}

/** Copies of source items with a system prompt, chosen by hash over every label alike. */
function systemPromptCopies(items: readonly CorpusItem[]): CorpusItem[] {
  const pool = items.filter((item) => item.messages[0]?.role !== 'system' && percentOf(`system-prompt:${item.id}`) < SYSTEM_COPY_PERCENT);
  return pool.map((item) => ({
    ...built('system-prompt', [item.id], withSystemPrompt(item, item.id), item.label, item, item.language, []),
    ...(item.context_sources === undefined ? {} : { context_sources: item.context_sources }),
  }));
}

export function composeConversations(items: readonly CorpusItem[]): CorpusItem[] {
  const sources = items.filter((item) => userTurns(item) > 0);
  const conversations = [...thanksClose(sources), ...chitChatOpen(sources), ...followUp(sources), ...pleasantries(sources), ...politeWrap(sources), ...pasted(sources)].map(
    (item) =>
      // A share of the built items, chosen by hash whatever their label, also get a system prompt.
      percentOf(`system-share:${item.id}`) < SYSTEM_SHARE_PERCENT && item.messages[0]?.role !== 'system'
        ? {
            ...item,
            id: `conv-${item.rule ?? ''}-${sha256(`${item.id}\nsystem-prompt`).slice(0, 12)}`,
            messages: withSystemPrompt(item, item.id),
            rule: `${item.rule ?? ''}+system-prompt`,
          }
        : item,
  );
  return [...conversations, ...systemPromptCopies(sources)];
}
