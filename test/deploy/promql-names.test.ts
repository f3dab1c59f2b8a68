import t from 'tap';
import { exposedFamilies, isExposed, metricNames } from './promql-names.js';

t.test('metric names of PromQL expressions', async (t) => {
  const cases: [string, string[]][] = [
    ['up', ['up']],
    ['rate(a_total[5m])', ['a_total']],
    ['sum by (le, model) (rate(req_seconds_bucket{model=~"$model", x="y{z}"}[$__rate_interval]))', ['req_seconds_bucket']],
    ['histogram_quantile(0.99, sum(rate(d_bucket[5m])) by (le))', ['d_bucket']],
    ['sum(rate(a_total{result="hit"}[1m])) / sum(rate(a_total[1m]))', ['a_total']],
    ['x / on(pod) group_left(node) y offset 5m', ['x', 'y']],
    ['sum without (instance) (c) * 3600 > bool 1e3', ['c']],
    ['max_over_time(g[1h:5m]) unless h', ['g', 'h']],
    ['foo:bar:rate5m', ['foo:bar:rate5m']],
    ['label_values(switchyard_requests_total, model)', ['switchyard_requests_total']],
    ['label_values(model)', []],
    ["count(z{a='by (q)'})", ['z']],
  ];
  for (const [expr, names] of cases) t.strictSame(metricNames(expr), names, expr);
});

t.test('suffixes are stripped only for the families that write them', async (t) => {
  const families = exposedFamilies(['# HELP h_seconds x', '# TYPE h_seconds histogram', '# TYPE s summary', '# TYPE c_total counter', '# TYPE g gauge', 'g 1'].join('\n'));
  t.strictSame(
    [...families],
    [
      ['h_seconds', 'histogram'],
      ['s', 'summary'],
      ['c_total', 'counter'],
      ['g', 'gauge'],
    ],
  );
  const yes = ['h_seconds_bucket', 'h_seconds_sum', 'h_seconds_count', 'h_seconds', 's_sum', 's_count', 'c_total', 'g'];
  const no = ['s_bucket', 'c_total_count', 'c', 'g_sum', 'h_bucket', 'missing'];
  for (const name of yes) t.ok(isExposed(name, families), name);
  for (const name of no) t.notOk(isExposed(name, families), name);
});
