import t from 'tap';
import { metricTotals } from './prometheus-text.js';

/** Totals of the single metric `m` in `text`; undefined when absent. */
const totalOf = (text: string) => metricTotals(text, ['m']).get('m');

t.test('values, label sets and the lines around them', async (t) => {
  const cases: [what: string, text: string, expected: { sum: number; max: number } | undefined][] = [
    ['bare sample', 'm 3', { sum: 3, max: 3 }],
    ['float as Python prints it', 'm 1.0', { sum: 1, max: 1 }],
    ['exponent', 'm 3e-01', { sum: 0.3, max: 0.3 }],
    ['negative exponent, capital E', 'm 2.5E+1', { sum: 25, max: 25 }],
    ['with a timestamp', 'm 4 1712345678000', { sum: 4, max: 4 }],
    ['tabs and CRLF', 'm\t5\r\n', { sum: 5, max: 5 }],
    ['empty label set', 'm{} 6', { sum: 6, max: 6 }],
    ['label sets summed, largest kept', 'm{a="1"} 2\nm{a="2"} 5\nm{a="3"} 1', { sum: 8, max: 5 }],
    ['label value with spaces, commas and a brace', 'm{model_name="a, b} c",x="y"} 7', { sum: 7, max: 7 }],
    ['label value with escaped quote and backslash', 'm{p="say \\"hi\\" \\\\",q="}"} 8', { sum: 8, max: 8 }],
    ['NaN skipped', 'm{a="1"} NaN\nm{a="2"} 2', { sum: 2, max: 2 }],
    ['+Inf and -Inf skipped', 'm{a="1"} +Inf\nm{a="2"} -Inf\nm{a="3"} 1', { sum: 1, max: 1 }],
    ['only NaN counts as absent', 'm NaN', undefined],
    ['comments, HELP, TYPE and EOF ignored', '# HELP m help with m 9\n# TYPE m gauge\n# m 9\nm 1\n# EOF', { sum: 1, max: 1 }],
    ['a longer name is another metric', 'm_total 9\nmm 9\nm:x 9\nm 1', { sum: 1, max: 1 }],
    ['unclosed label set ignored', 'm{a="1" 9\nm 1', { sum: 1, max: 1 }],
    ['missing value ignored', 'm\nm{a="1"}\nm 1', { sum: 1, max: 1 }],
    ['garbage value ignored', 'm abc\nm 0x\nm 1', { sum: 1, max: 1 }],
    ['absent', '# TYPE m gauge\nother 1', undefined],
    ['empty text', '', undefined],
  ];
  for (const [what, text, expected] of cases) t.same(totalOf(text), expected, what);
});

t.test('only the wanted names are returned', async (t) => {
  const totals = metricTotals('a 1\nb 2\nc 3\n', ['a', 'c', 'd']);
  t.same(
    [...totals.entries()],
    [
      ['a', { sum: 1, max: 1 }],
      ['c', { sum: 3, max: 3 }],
    ],
  );
});

t.test('finite samples that add up past the largest double give the largest double, not Infinity', async (t) => {
  const text = 'vllm:num_requests_waiting{engine="0"} 1e308\nvllm:num_requests_waiting{engine="1"} 1e308\n';
  t.strictSame(metricTotals(text, ['vllm:num_requests_waiting']).get('vllm:num_requests_waiting'), { sum: Number.MAX_VALUE, max: 1e308 });
});
