// Word lists about technical work: writing code, programming vocabulary, mathematics, word
// problems. Structural signals (fences, code-shaped lines, operators, LaTeX) carry more weight;
// these catch requests that ask for code or maths in plain words.
import { lexicon } from './lexicon.js';

/** Asking for software to be written or changed. */
export const CODE_TASK = lexicon(
  [
    '(?:write|implement|create|develop|build|code|debug|fix|refactor|complete|generate|port|convert|optimi[sz]e) (?:\\S+ ){0,4}(?:function|method|class|program|script|code|algorithm|query|regex|module|api|endpoint|app|application|cli|unit tests?|data structure)',
    '(?:escrib|écri|schreib|scriv|escrev|напиш)\\p{L}* (?:\\S+ ){0,4}\\S*(?:función|funci[oó]n|programa|código|fonction|programme|funktion|programm|skript|code|funzione|codice|função|функци|программ|код)',
    'implement\\p{L}*',
  ],
  ['编写', '实现', '実装'],
);

/** Programming vocabulary that rarely means anything else: languages, libraries, tools, constructs. */
export const CODE_STRONG = lexicon(
  [
    'python', 'javascript', 'typescript', 'java', 'c\\+\\+', 'c#', 'golang', 'rust', 'ruby', 'php', 'kotlin', 'scala',
    'haskell', 'perl', 'lua', 'matlab', 'vba', 'powershell', 'bash', 'sql', 'mysql', 'postgres\\p{L}*', 'sqlite',
    'mongodb', 'redis', 'html', 'css', 'react', 'vue', 'angular', 'node\\.?js', 'django', 'flask', 'fastapi', 'spring boot',
    'pandas', 'numpy', 'dataframe', 'pytorch', 'tensorflow', 'keras', 'scikit-learn', 'sklearn', 'matplotlib',
    'docker\\p{L}*', 'kubernetes', 'nginx', 'terraform', 'git', 'github', 'regex', 'regular expression', 'arduino',
    'compiler', 'recursion', 'recursive', 'binary tree', 'linked list', 'hash ?map', 'time complexity',
    'o\\([^)]{1,12}\\)', 'dynamic programming', 'stack trace', 'segfault', 'null pointer', 'thread-safe',
    'mutex', 'async', 'runtime error', 'syntax error', 'unit tests?', 'debug\\p{L}*', 'refactor\\p{L}*',
    'programmier\\p{L}*', 'programación', 'programmation',
  ],
  ['函数', '程序', '代码', '编程', '算法', '関数', 'プログラム', 'コード'],
);

/** Programming vocabulary that also has everyday meanings; weaker evidence. */
export const CODE_WEAK = lexicon([
  'function', 'program', 'code', 'algorithm', 'script', 'bug', 'error', 'crash\\p{L}*', 'exception', 'variable',
  'parameters?', 'string', 'array', 'stack', 'queue', 'cache', 'api', 'database', 'schema', 'json', 'yaml', 'shell',
  'swift', 'server', 'endpoint', 'query', 'compile\\p{L}*', 'runtime', 'data structure', 'integer array',
  'función', 'fonction', 'funktion', 'função', 'funzione', 'programa', 'programme', 'programm', 'código',
  'algoritmo', 'algorithme', 'algorithmus', 'функци\\p{L}*', 'программ\\p{L}*', 'код',
]);

/** Mathematics vocabulary. */
export const MATH_WORDS = lexicon(
  [
    'equations?', 'inequality', 'integers?', 'prime numbers?', 'primes', 'divided by', 'divisors?', 'irrational',
    'gcd', 'lcm', 'real solutions?', 'maximi[sz]e', 'minimi[sz]e', 'polynomial', 'derivative', 'integral', 'theorem',
    'probability', 'expected value', 'variance', 'matri(?:x|ces)', 'vectors?', 'modulo', 'factorial',
    'logarithm', 'sequence', 'series', 'geometric', 'arithmetic', 'remainder', 'divisible', 'digits?', 'sum of',
    'product of', 'roots', 'solve', 'simplify', 'evaluate', 'calculate', 'compute', 'ratio', 'fraction',
    'perimeter', 'radius', 'diameter', 'triangle', 'circle', 'angle', 'coordinates?', 'real numbers?', 'express',
    'ecuaci\\p{L}*', 'probabilidad', 'derivada', 'équation\\p{L}*', 'probabilité', 'dérivée', 'gleichung\\p{L}*',
    'wahrscheinlichkeit', 'ableitung', 'уравнени\\p{L}*', 'вероятност\\p{L}*',
  ],
  ['方程', '概率', '积分', '导数', '求解', '计算', '確率', '微分'],
);

/** Asking for a proof: mathematics at its hardest, whatever the notation. */
export const PROOF = lexicon(
  ['prove', 'proof', 'show that', 'demostrar', 'demuestr\\p{L}*', 'démontrer', 'montrer que', 'beweis\\p{L}*', 'докаж\\p{L}*'],
  ['证明', '証明'],
);

/** A question that asks for a quantity: with several numbers given, a word problem. */
export const QUANTITY_QUESTION = lexicon(
  [
    'how (?:many|much|long|far|old|fast)', "what(?:'s| is| was| will be)(?: the)? (?:total|sum|average|difference|probability|percentage|ratio|value)",
    'what percent\\p{L}*', 'what fraction', 'find', 'calculate', 'determine', 'compute', 'cuánt\\p{L}*',
    'combien', 'wie viele?', 'quant[io]s?', 'quantas?', 'сколько',
  ],
  ['多少', '几个', '求', 'いくつ', '何個', '何人'],
);

/** Number words, so "six packets of eight" counts as numbers given. */
export const NUMBER_WORDS = lexicon([
  'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'fifteen',
  'twenty', 'thirty', 'forty', 'fifty', 'hundred', 'thousand', 'half', 'twice', 'double', 'triple', 'thrice',
  'quarter', 'dozen', 'percent',
]);
