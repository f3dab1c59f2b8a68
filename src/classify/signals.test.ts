import t from 'tap';
import { extractSignals, extractTopicSignals, structuralEvidence, type TextSignals } from './signals.js';

const signalsOf = (text: string): TextSignals => extractSignals({ text, length: text.length }, 40, 3);

type Expectation = 'none' | 'some' | number;

// Each row: a text, the signal looked at, and what its evidence should be ('some' = above zero).
const CASES: readonly [string, keyof TextSignals, Expectation][] = [
  // short-chat: greetings, thanks, acknowledgements, in several languages
  ['thanks!', 'shortChat', 1],
  ['hi, how are you', 'shortChat', 1],
  ['Bonjour, comment ça va ?', 'shortChat', 1],
  ['¡Hola! ¿Qué tal?', 'shortChat', 1],
  ['Hallo, wie geht es dir?', 'shortChat', 1],
  ['你好！', 'shortChat', 1],
  ['ありがとうございます', 'shortChat', 1],
  ['thanks! now rewrite the parser so that it streams', 'shortChat', 0],
  ['what is the capital of peru', 'shortChat', 0],
  // code: fences in any language, stack traces, code-shaped lines, asking for code
  ['```rust\nfn main() {}\n```', 'code', 3],
  ['```\nSELECT * FROM t;\n```', 'code', 3],
  ['Traceback (most recent call last):\n  File "a.py", line 1\nNameError: x', 'code', 3],
  ['    at Object.<anonymous> (/srv/app.js:12:5)', 'code', 3],
  ['def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)', 'code', 3],
  ['Write a function that reverses a linked list.', 'code', 'some'],
  ['Escribe una función en JavaScript que invierta una cadena.', 'code', 'some'],
  ['用Python写一个快速排序函数', 'code', 'some'],
  ['Why does useEffect run twice in my_component.tsx?', 'code', 'some'],
  ['What is the capital of France?', 'code', 'none'],
  // math: LaTeX, operators, maths words, proofs, word problems (digits or number words)
  ['Find $x$ such that $x^2 = 2$.', 'math', 3],
  ['x+y = 4z, x*y = 4z^2, express x-y in z', 'math', 'some'],
  ['Prove that the square root of 2 is irrational.', 'math', 'some'],
  ["Résoudre l'équation x^2 - 5x + 6 = 0.", 'math', 'some'],
  ['Tom has 3 boxes of 12 pens and gives 5 away. How many pens are left?', 'math', 'some'],
  ['David has three sisters. Each of them has one brother. How many brothers does David have?', 'math', 'some'],
  ['Juan tiene 12 manzanas y regala 3 a su hermana y 2 a su madre. ¿Cuántas le quedan?', 'math', 'some'],
  ['who starred in the movie romancing the stone', 'math', 'none'],
  // multi-step reasoning and planning
  ['Explain your reasoning step by step.', 'multiStep', 'some'],
  ['Analyze the trade-offs and design an architecture.', 'multiStep', 'some'],
  ['Erkläre Schritt für Schritt, wie man das löst.', 'multiStep', 'some'],
  ['what time is it in tokyo', 'multiStep', 'none'],
  // constraints and creative writing
  ['Answer in exactly three bullet points, without jargon, and include one example.', 'constraints', 'some'],
  ['Write a short story about a cat.', 'creative', 1],
  ['Write a sonnet about the sea with an ABAB rhyme scheme, in iambic pentameter.', 'creative', 'some'],
  ['Escribe un poema sobre el mar.', 'creative', 'some'],
  ['what is a sonnet', 'creative', 'none'],
  // requested output length
  ['Write a 1500-word essay on the causes of the First World War.', 'longOutput', 1.5],
  ['Explain photosynthesis in detail.', 'longOutput', 0.75],
  ['Explique la photosynthèse en détail.', 'longOutput', 0.75],
  ['Explain photosynthesis.', 'longOutput', 'none'],
  // explanation and question forms
  ['Can you explain the basics of quantum computing?', 'explain', 'some'],
  ['¿Por qué el cielo es azul?', 'explain', 'some'],
  ['为什么天空是蓝色的？', 'explain', 'some'],
  ['who wrote pride and prejudice', 'explain', 'none'],
  ['Is it safe? Is it fast? Is it cheap?', 'questions', 2],
  ['One. Two. Three.', 'sentences', 2],
  ['Steps:\n1. mix\n2. bake\n- serve', 'lists', 3],
  // supplied text: named, or a short question over a longer paragraph
  ['Extract the dates from the following text: the war began in 1914 and ended in 1918.', 'givenText', 1],
  [`When did it open?\n\n${'The museum opened in 1901 after years of building work by the city. '.repeat(3)}`, 'givenText', 1],
  [`Write a poem about the sea.\n\nIt must rhyme, and you should keep it under twenty lines please, with a hopeful ending for the sailors.`, 'givenText', 0],
];

t.test('each signal on small hand-written cases', async (t) => {
  for (const [text, signal, expected] of CASES) {
    const value = signalsOf(text)[signal];
    const label = `${signal} of ${JSON.stringify(text.slice(0, 60))}`;
    if (expected === 'some') t.ok(value > 0, `${label} > 0 (got ${value})`);
    else if (expected === 'none') t.equal(value, 0, label);
    else t.equal(value, expected, label);
  }
});

t.test('length grows with the log of the size, counts CJK as denser, and is capped', async (t) => {
  t.equal(signalsOf('hi there').length, 0);
  t.equal(signalsOf('a'.repeat(80)).length, 1);
  t.equal(signalsOf('a'.repeat(100_000)).length, 3);
  t.ok(signalsOf('天'.repeat(30)).length > signalsOf('a'.repeat(30)).length, 'CJK characters weigh more than Latin ones');
  // The true length comes from the window, not from the text read.
  t.equal(extractSignals({ text: 'short head … short tail', length: 4_000_000 }, 40, 3).length, 3);
});

t.test('numbers inside a supplied passage do not make a word problem', async (t) => {
  const passage = 'Virgin Australia began in 2000 with 2 aircraft; by 2010 it flew 100 planes to 30 cities.';
  t.equal(signalsOf(`How many planes did it fly in 2010?\n\n${passage.repeat(2)}`).math, 0);
});

t.test('structural evidence in replies: fences and LaTeX only, not prose', async (t) => {
  t.same(structuralEvidence('Here you go:\n```py\nprint(1)\n```'), { code: 3, math: 0 });
  t.same(structuralEvidence('So $x = \\frac{1}{2}$.'), { code: 0, math: 3 });
  t.same(structuralEvidence('First, plan the trip step by step, then analyze the costs.'), { code: 0, math: 0 });
});

t.test("the topic signals read for a thread's other turns are extractSignals' own values", async (t) => {
  const texts = [...CASES.map(([text]) => text), 'Write a 3000字 story', '写一首3000字的诗', 'Tom has 3 apples. Ann has 4. How many?', 'x+y = 4z? y = 2. z?'];
  for (const text of texts) {
    const all = signalsOf(text);
    const { code, math, multiStep, creative, longOutput } = all;
    t.strictSame(extractTopicSignals({ text, length: text.length }), { code, math, multiStep, creative, longOutput }, JSON.stringify(text.slice(0, 60)));
  }
});
