import t from 'tap';
import { formatReason, type Complexity } from './classification.js';
import { classifyHeuristic } from './heuristic.js';
import { resolveHeuristicSettings } from './settings.js';

type Body = Readonly<Record<string, unknown>>;
const user = (content: unknown, extra: Body = {}): Body => ({ messages: [{ role: 'user', content }], ...extra });

const CLASSES: readonly [string, Body, Complexity][] = [
  // short greetings and small talk, in several languages
  ['English greeting', user('hi, how are you'), 'simple'],
  ['French greeting', user('Bonjour, comment ça va ?'), 'simple'],
  ['Spanish greeting', user('¡Hola! ¿Qué tal?'), 'simple'],
  ['German greeting', user('Guten Morgen!'), 'simple'],
  ['Chinese greeting', user('你好！'), 'simple'],
  ['Japanese thanks', user('ありがとうございます'), 'simple'],
  ['single-fact question', user('who wrote pride and prejudice'), 'simple'],
  ['Spanish fact question', user('¿Cuál es la capital de Francia?'), 'simple'],
  // explanations and open questions
  ['explanation', user('Can you explain the basics of quantum computing?'), 'moderate'],
  ['French explanation', user('Explique-moi la photosynthèse.'), 'moderate'],
  ['short story', user('Write a short story about a cat.'), 'moderate'],
  ['summary of a supplied text', user(`Summarize this article:\n\n${'The council met on Tuesday to debate the budget for parks and roads. '.repeat(8)}`), 'moderate'],
  // code: a fence in any language is complex-leaning; asking for code in several languages
  ['Rust fence', user('```rust\nfn main() { let x: i32 = "a"; }\n```\nwhy does this not compile?'), 'complex'],
  ['Python fence', user('```python\nprint(sum(range(10))\n```\nfix it'), 'complex'],
  ['stack trace', user('Traceback (most recent call last):\n  File "a.py", line 3, in <module>\n    foo()\nNameError: name foo'), 'complex'],
  ['code request', user('Write a SQL query to find the top 3 customers by revenue in each region.'), 'complex'],
  ['Spanish code request', user('Escribe una función en JavaScript que invierta una cadena.'), 'complex'],
  ['German code request', user('Schreibe eine Python-Funktion, die prüft, ob eine Zahl eine Primzahl ist.'), 'complex'],
  ['Chinese code request', user('用Python写一个快速排序函数，并解释时间复杂度'), 'complex'],
  // maths
  ['short algebra', user('x+y = 4z, x*y = 4z^2, express x-y in z'), 'complex'],
  ['proof', user('Prove that the square root of 2 is irrational.'), 'complex'],
  ['word problem', user('A train leaves at 3 pm going 60 mph and another leaves at 4 pm going 80 mph. When does the second catch up?'), 'complex'],
  ['Chinese word problem', user('一个水池有两个进水管，甲管单独注满需要6小时，乙管单独注满需要4小时。两管同时开，多少小时注满？'), 'complex'],
  // multi-step, constrained, long
  ['design question', user('Analyze the trade-offs of event sourcing versus CRUD for a banking ledger, and propose an architecture.'), 'complex'],
  ['long constrained writing', user('Write a 2000-word story in the second person about a lighthouse keeper, with a twist ending.'), 'complex'],
];

t.test('classes on hand-written requests', async (t) => {
  for (const [name, body, expected] of CLASSES) {
    const result = classifyHeuristic(body);
    t.equal(result.complexity, expected, `${name}: ${formatReason(result)} (${result.score})`);
  }
});

t.test('the last user turn is read in the context of the conversation', async (t) => {
  const codeThread = [
    { role: 'system', content: 'You are a senior engineer.' },
    { role: 'user', content: '```ts\nconst x: number = "a";\n```\nFix this type error and explain.' },
    { role: 'assistant', content: 'Use a number literal:\n```ts\nconst x: number = 1;\n```' },
  ];
  const thanks = classifyHeuristic({ messages: [...codeThread, { role: 'user', content: 'thanks!' }] });
  t.equal(thanks.complexity, 'simple', 'a long technical thread ending in "thanks!" is simple');
  t.same(thanks.reasons, ['short-chat']);
  const followUp = classifyHeuristic({ messages: [...codeThread, { role: 'user', content: 'now make it generic over T' }] });
  t.equal(followUp.complexity, 'complex', 'a follow-up in a code thread inherits the thread');
  t.ok(followUp.reasons.includes('context'));
  const chatter = [
    { role: 'user', content: 'What should I see in Paris?' },
    { role: 'assistant', content: 'First visit the Eiffel Tower, and then plan a day for the Louvre; finally, estimate your budget and design a route.' },
    { role: 'user', content: 'what about Italy?' },
  ];
  t.equal(classifyHeuristic({ messages: chatter }).complexity, 'simple', "an assistant's verbose prose does not make the thread hard");
  const system = { role: 'system', content: 'You help with Python and JavaScript code. Think step by step.' };
  t.equal(classifyHeuristic({ messages: [system, { role: 'user', content: 'what are your opening hours?' }] }).complexity, 'simple', 'a system prompt is a weak prior');
});

t.test('tools and response_format raise the score and are named as reasons', async (t) => {
  const plain = classifyHeuristic(user('What is the weather in Paris tomorrow?'));
  const tools = classifyHeuristic(user('What is the weather in Paris tomorrow?', { tools: [{ type: 'function', function: { name: 'weather' } }] }));
  t.ok(tools.score > plain.score);
  t.equal(tools.complexity, 'moderate');
  t.same(tools.reasons, ['tools']);
  const unused = classifyHeuristic(user('What is the weather?', { tools: [{ type: 'function' }], tool_choice: 'none' }));
  t.notOk(unused.reasons.includes('tools'), 'tool_choice "none" offers no tools');
  const agentLoop = classifyHeuristic({
    messages: [
      { role: 'user', content: 'book a table' },
      { role: 'assistant', tool_calls: [{ id: '1' }] },
      { role: 'tool', content: '{"ok":true}' },
    ],
  });
  t.ok(agentLoop.reasons.includes('tools'), 'tool turns in the thread count as tools');
  const schema = classifyHeuristic(user('List three colours.', { response_format: { type: 'json_schema', json_schema: { name: 'c', schema: {} } } }));
  const object = classifyHeuristic(user('List three colours.', { response_format: { type: 'json_object' } }));
  const text = classifyHeuristic(user('List three colours.', { response_format: { type: 'text' } }));
  t.ok(schema.score > object.score && object.score > text.score, 'json_schema > json_object > text');
  t.equal(schema.reasons[0], 'json-schema');
  const both = classifyHeuristic(user('Extract the order from this email.', { tools: [{ type: 'function' }], response_format: { type: 'json_schema', json_schema: {} } }));
  t.equal(both.complexity, 'complex', 'tools plus a schema plus a task is complex');
});

t.test('max_tokens: a small budget lowers the score, a large one raises it', async (t) => {
  const base = classifyHeuristic(user('Explain quantum computing.'));
  const small = classifyHeuristic(user('Explain quantum computing.', { max_tokens: 16 }));
  const large = classifyHeuristic(user('Explain quantum computing.', { max_completion_tokens: 8000 }));
  t.equal(base.complexity, 'moderate');
  t.equal(small.complexity, 'simple');
  t.same(small.reasons, ['short-output']);
  t.ok(large.score > base.score);
  t.ok(large.reasons.includes('long-output'));
  const stated = classifyHeuristic(user('Write a 1500-word essay on tides.', { max_tokens: 8000 }));
  const unstated = classifyHeuristic(user('Write a 1500-word essay on tides.'));
  t.equal(stated.score, unstated.score, 'max_tokens confirms a long answer already asked for rather than doubling it');
});

t.test('a 4 MB prompt is bounded: it finishes and returns a class', async (t) => {
  const big = 'The quick brown fox jumps over the lazy dog. '.repeat(100_000);
  for (const body of [
    user(big),
    user([
      { type: 'text', text: big },
      { type: 'text', text: big },
    ]),
    { prompt: big },
  ]) {
    const result = classifyHeuristic(body);
    t.ok(['simple', 'moderate', 'complex'].includes(result.complexity));
    t.ok(result.reasons.length >= 1);
  }
  t.equal(classifyHeuristic(user(`${big}\n\`\`\`js\nthrow new Error()\n\`\`\``)).complexity, 'complex', 'the tail of the turn is read');
});

t.test('odd shapes never throw', async (t) => {
  const odd: readonly unknown[] = [
    {},
    { messages: [] },
    { messages: null },
    { messages: 'hi' },
    { messages: [null, 3, 'x'] },
    { messages: [{ role: 'user', content: null }] },
    { messages: [{ role: 'user' }] },
    { messages: [{ content: 'no role' }] },
    { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:' } }] }] },
    { messages: [{ role: 'user', content: [null, 5, { type: 'text' }, { type: 'text', text: 42 }] }] },
    { messages: [{ role: 'assistant', content: 'prefill only' }] },
    { prompt: [1, 2, 3] },
    { prompt: ['a', 'b'] },
    { prompt: null },
    { tools: 'many', response_format: 'json', max_tokens: 'lots' },
    { max_tokens: Number.NaN },
    null,
    [],
    'text',
  ];
  for (const body of odd) {
    const result = classifyHeuristic(body as Body);
    t.ok(['simple', 'moderate', 'complex'].includes(result.complexity), JSON.stringify(body));
  }
  const parts = classifyHeuristic(
    user([
      { type: 'image_url', image_url: { url: 'x' } },
      { type: 'text', text: 'Write a Python function that adds two numbers.' },
    ]),
  );
  t.equal(parts.complexity, 'complex', 'text parts are read, image parts ignored');
  t.equal(classifyHeuristic({ prompt: 'def fib(n):\n    """Return the nth Fibonacci number."""\n' }).complexity, 'complex', 'completions prompt');
});

t.test('reasons are short ASCII words, 1-3 of them, strongest first', async (t) => {
  for (const [, body] of CLASSES) {
    const { reasons } = classifyHeuristic(body);
    t.ok(reasons.length >= 1 && reasons.length <= 3, String(reasons));
    for (const reason of reasons) t.match(reason, /^[a-z][a-z-]*$/);
  }
  t.equal(formatReason(classifyHeuristic(user('```py\nx=1\n```\nExplain step by step and prove it terminates.'))).split(':')[0], 'complex');
  t.equal(formatReason({ complexity: 'complex', score: 3, reasons: ['code', 'multi-step'] }), 'complex: code+multi-step');
});

t.test('settings change the decision', async (t) => {
  const body = user('Can you explain the basics of quantum computing?');
  t.equal(classifyHeuristic(body).complexity, 'moderate');
  t.equal(classifyHeuristic(body, resolveHeuristicSettings({ thresholds: { simpleBelow: 5 } })).complexity, 'simple');
  t.equal(classifyHeuristic(body, resolveHeuristicSettings({ weights: { explain: 3 }, thresholds: { effortCap: 3 } })).complexity, 'complex');
  const long = user(`Tell me about this.\n\n${'Plain prose about a town and its river and its bridges. '.repeat(40)}`);
  t.ok(classifyHeuristic(long).score <= 1.5 + 1e-9, 'effort signals alone stop at effortCap');
});
