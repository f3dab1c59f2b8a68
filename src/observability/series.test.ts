import t from 'tap';
import { Counter, Histogram, Registry } from 'prom-client';
import { CounterFamily, HistogramFamily } from './series.js';

// The families must be indistinguishable from prom-client's own metrics to whatever scrapes them: the
// same observations give the same text and the same JSON.
const BUCKETS = [0.01, 0.1, 1];
const OBSERVATIONS: [string, string, number][] = [
  ['chat', 'small', 0.005],
  ['chat', 'small', 0.01],
  ['chat', 'small', 0.5],
  ['chat', 'large', 7],
  ['embed', 'small', 0.05],
  ['chat', 'small', 0.1],
];

/** What the JSON API reports for each series (prom-client adds empty exemplars of its own). */
async function valuesAsJSON(registry: Registry) {
  const metrics = await registry.getMetricsAsJSON();
  return metrics.map(({ name, type, values }) => ({
    name,
    type,
    values: values.map((v) => ({ series: 'metricName' in v ? v.metricName : name, labels: v.labels, value: v.value })),
  }));
}

async function histograms() {
  const ours = new Registry();
  const theirs = new Registry();
  const config = { name: 'x_duration_seconds', help: 'How long.', labelNames: ['model', 'tier'] as const };
  const family = new HistogramFamily({ ...config, buckets: BUCKETS, registers: [ours] });
  const reference = new Histogram({ ...config, labelNames: [...config.labelNames], buckets: BUCKETS, registers: [theirs] });
  for (const [model, tier, value] of OBSERVATIONS) {
    family.series(model, tier).observe(value);
    reference.observe({ model, tier }, value);
  }
  return { ours, theirs };
}

t.test('a histogram family scrapes exactly as prom-client histogram with the same observations', async (t) => {
  const { ours, theirs } = await histograms();
  const text = await ours.metrics();
  t.equal(text, await theirs.metrics());
  t.match(text, /x_duration_seconds_bucket\{le="0\.01",model="chat",tier="small"\} 2\n/, 'a bound is inclusive');
  t.match(text, /x_duration_seconds_bucket\{le="\+Inf",model="chat",tier="large"\} 1\n/, 'above every bound: only +Inf');
  t.match(text, /x_duration_seconds_count\{model="chat",tier="small"\} 4\n/);
  t.same(await valuesAsJSON(ours), await valuesAsJSON(theirs), 'the JSON API agrees too');
});

t.test('a counter family scrapes exactly as prom-client counter with the same increments', async (t) => {
  const ours = new Registry();
  const theirs = new Registry();
  const config = { name: 'x_requests_total', help: 'How many.', labelNames: ['model', 'outcome'] as const };
  const family = new CounterFamily({ ...config, registers: [ours] });
  const reference = new Counter({ ...config, labelNames: [...config.labelNames], registers: [theirs] });
  const incs: [string, string, number][] = [
    ['chat', 'ok', 1],
    ['chat', 'ok', 1],
    ['chat', 'upstream_timeout', 1],
    ['embed', 'ok', 40],
  ];
  for (const [model, outcome, by] of incs) {
    family.series(model, outcome).inc(by);
    reference.inc({ model, outcome }, by);
  }
  const text = await ours.metrics();
  t.equal(text, await theirs.metrics());
  t.match(text, /x_requests_total\{model="chat",outcome="ok"\} 2\n/);
  t.match(text, /x_requests_total\{model="embed",outcome="ok"\} 40\n/);
  t.equal(await ours.metrics(), text, 'scraping twice does not count twice');
});

t.test('a family without labels is one series', async (t) => {
  const ours = new Registry();
  const family = new HistogramFamily({ name: 'x_overhead_seconds', help: 'Own time.', labelNames: [], buckets: BUCKETS, registers: [ours] });
  family.series().observe(0.02);
  family.series().observe(2);
  const text = await ours.metrics();
  t.match(text, /x_overhead_seconds_bucket\{le="0\.1"\} 1\n/);
  t.match(text, /x_overhead_seconds_sum 2\.02\n/);
  t.match(text, /x_overhead_seconds_count 2\n/);
});

t.test('label values are kept apart even when they share text', async (t) => {
  const ours = new Registry();
  const family = new CounterFamily({ name: 'x_total', help: 'Apart.', labelNames: ['a', 'b'], registers: [ours] });
  family.series('x y', 'z').inc();
  family.series('x', 'y z').inc(2);
  const text = await ours.metrics();
  t.match(text, /x_total\{a="x y",b="z"\} 1\n/);
  t.match(text, /x_total\{a="x",b="y z"\} 2\n/);
});
