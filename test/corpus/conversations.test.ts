// The conversation rules label by the last user turn, quote only the sources' answers or the stated
// replies, and give the same output for the same items.
import t from 'tap';
import { composeConversations } from '../../scripts/corpus/conversations.js';
import type { CorpusItem, Label } from '../../scripts/corpus/source.js';
import { CHECK_IN, PHRASES } from '../../scripts/corpus/stated-turns.js';

function item(id: string, label: Label, text: string, extra: Partial<CorpusItem> = {}): CorpusItem {
  return {
    id,
    messages: [{ role: 'user', content: text }],
    label,
    source: `test/${id}`,
    source_name: extra.source_name ?? `src-${label}`,
    source_category: extra.source_category ?? `${label}:test`,
    language: 'en',
    license: 'MIT',
    ...extra,
  };
}

const items: CorpusItem[] = [
  item('hard-1', 'complex', 'Prove that there are infinitely many primes.', {
    answer: 'Suppose there were finitely many primes p1…pn; then p1·…·pn + 1 has a prime factor not in the list.',
  }),
  item('mid-1', 'moderate', 'Explain how a hash map works.', { answer: 'A hash map stores key-value pairs in buckets chosen by a hash of the key.' }),
  item('mid-2', 'moderate', 'Compare TCP and UDP.'),
  item('fact-1', 'simple', 'who wrote hamlet', { answer: 'William Shakespeare' }),
  item('thanks-1', 'simple', 'thanks so much!', { source_name: 'clinc150', source_category: 'clinc150:thank_you (chit-chat)' }),
  item('hello-1', 'simple', 'hey there!', { source_name: 'clinc150', source_category: 'clinc150:greeting (chit-chat)' }),
];

t.test('the same items give the same conversations', async (t) => {
  t.strictSame(composeConversations(items), composeConversations(items));
});

t.test('thanks-close: a substantive thread closed by a CLINC thanks is simple, from the closer', async (t) => {
  const built = composeConversations(items).filter((i) => i.rule === 'thanks-close');
  t.ok(built.length > 0);
  for (const conversation of built) {
    t.equal(conversation.label, 'simple');
    t.notOk(
      conversation.messages.some((m) => m.content === 'who wrote hamlet'),
      'a simple thread is not substantive',
    );
    const last = conversation.messages.at(-1);
    if (last?.content === 'thanks so much!') {
      t.equal(conversation.source_name, 'clinc150');
      t.equal(conversation.source, 'test/thanks-1');
    } else t.equal(conversation.source_name, 'stated-turns');
    t.equal(conversation.context_sources?.length, 1);
  }
});

t.test('chit-chat-open and follow-up take the label of the last request', async (t) => {
  const byText = new Map(items.map((i) => [i.messages[0]?.content, i]));
  const built = composeConversations(items).filter((i) => i.rule === 'chit-chat-open' || i.rule === 'follow-up');
  t.ok(built.some((i) => i.rule === 'chit-chat-open'));
  t.ok(built.some((i) => i.rule === 'follow-up'));
  for (const conversation of built) {
    const request = byText.get(conversation.messages.at(-1)?.content);
    t.equal(conversation.label, request?.label, conversation.id);
    t.equal(conversation.source, request?.source);
    t.ok(conversation.messages.filter((m) => m.role === 'user').length >= 2);
  }
});

t.test('assistant turns are only source answers or stated replies', async (t) => {
  const answers = new Set(items.flatMap((i) => (i.answer === undefined ? [] : [i.answer])));
  const stated = new Set(Object.values(PHRASES).flatMap((p) => p.greetingReplies));
  for (const conversation of composeConversations(items))
    for (const message of conversation.messages.filter((m) => m.role === 'assistant')) {
      const bare = message.content.replace(`\n\n${CHECK_IN.yes}`, '').replace(`\n\n${CHECK_IN.no}`, '');
      t.ok(answers.has(bare) || stated.has(bare), `${conversation.id}: ${message.content.slice(0, 40)}`);
    }
});

t.test('without answers there is no thread to close or follow', async (t) => {
  const bare = items.map(({ answer: _answer, ...rest }) => rest);
  const rules = new Set(composeConversations(bare).map((i) => i.rule));
  t.notOk(rules.has('thanks-close'));
  t.notOk(rules.has('follow-up'));
});
