// deploy/grafana/switchyard-dashboard.json queries only what the router serves: the compose setup is
// started without Docker (compose-stack.ts: the sim-* services as simulator processes, the router from
// deploy/compose/router.yaml with classification, keys, limits, retries and spills on), the compose
// load generator (deploy/loadgen/loadgen.sh) sends it a few requests, and every metric name in every
// panel query and variable query must be a family (or a histogram's _bucket/_sum/_count) of the
// router's GET /metrics on its metrics listener.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { DEPLOY, startComposeStack } from './compose-stack.js';
import { exposedFamilies, isExposed, metricNames } from './promql-names.js';

interface Target {
  readonly expr: string;
}
interface Panel {
  readonly type: string;
  readonly title: string;
  readonly id: number;
  readonly datasource?: { readonly uid: string };
  readonly targets?: readonly Target[];
}
interface Variable {
  readonly name: string;
  readonly type: string;
  readonly query?: string | { readonly query: string };
}
interface Dashboard {
  readonly uid: string;
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly Variable[] };
}

const dashboard = JSON.parse(readFileSync(new URL('grafana/switchyard-dashboard.json', DEPLOY), 'utf8')) as Dashboard;
const queries: { where: string; expr: string }[] = [
  ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}"`, expr: target.expr }))),
  ...dashboard.templating.list
    .filter((variable) => variable.type === 'query')
    .map((variable) => ({ where: `variable $${variable.name}`, expr: typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '') })),
];

t.test('the dashboard is well formed', async (t) => {
  t.equal(dashboard.uid, 'switchyard');
  const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
  t.equal(new Set(dashboard.panels.map((panel) => panel.id)).size, dashboard.panels.length, 'panel ids are unique');
  t.ok(
    dashboard.templating.list.some((variable) => variable.name === 'datasource' && variable.type === 'datasource'),
    'a data source variable, so it imports into any Grafana',
  );
  for (const panel of panels) {
    t.equal(panel.datasource?.uid, '${datasource}', `${panel.title}: queries the chosen data source`);
    t.ok((panel.targets ?? []).length > 0, `${panel.title}: has queries`);
  }
  for (const { where, expr } of queries) t.ok(metricNames(expr).length > 0, `${where}: reads a metric (${expr})`);
});

t.test('the dashboard covers what issue 17 asks for', async (t) => {
  const names = new Set(queries.flatMap(({ expr }) => metricNames(expr)));
  for (const name of [
    'switchyard_requests_total',
    'switchyard_errors_total',
    'switchyard_request_duration_seconds_bucket',
    'switchyard_time_to_first_token_seconds_bucket',
    'switchyard_key_tokens_total',
    'switchyard_key_cost_usd_total',
    'switchyard_replica_healthy',
    'switchyard_ejections_total',
    'switchyard_spills_total',
    'switchyard_retries_total',
    'switchyard_budget_rejections_total',
    'switchyard_cache_lookups_total',
  ])
    t.ok(names.has(name), name);
});

const stack = await startComposeStack();
t.teardown(() => stack.close());

const noCurl = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0 ? false : 'curl is not installed: the load generator (a curl loop) cannot run here';

t.test("the compose load generator's requests are served, for each of its keys", { skip: noCurl }, async (t) => {
  const script = fileURLToPath(new URL('loadgen/loadgen.sh', DEPLOY));
  const child = spawn('sh', [script], { env: { ...process.env, TARGET: stack.router.url, REQUESTS: '4', PAUSE: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.equal(code, 0, 'it ends by itself');
  const lines = out.trim().split('\n');
  t.equal(lines.at(-1), 'loadgen: done (4 requests per key)');
  const statuses = lines.slice(0, -1).map((line) => line.split(' '));
  t.equal(statuses.length, 12, 'four requests from each of three keys');
  t.strictSame(
    statuses.filter(([, , status]) => status !== '200'),
    [],
    'every request was answered 200',
  );
  const scrape = await (await fetch(`${stack.metricsUrl}/metrics`)).text();
  for (const key of ['web', 'batch', 'trial']) t.match(scrape, new RegExp(`^switchyard_key_tokens_total\\{key="${key}",tier="(small|large)"`, 'm'), `tokens charged to ${key}`);
});

t.test('every metric the dashboard queries is in /metrics', async (t) => {
  const res = await fetch(`${stack.metricsUrl}/metrics`);
  t.equal(res.status, 200);
  const families = exposedFamilies(await res.text());
  t.ok(families.size > 20, `${families.size} metric families served`);
  const missing = new Map<string, string[]>();
  for (const { where, expr } of queries) {
    for (const name of metricNames(expr)) {
      if (isExposed(name, families)) continue;
      missing.set(name, [...(missing.get(name) ?? []), where]);
    }
  }
  for (const [name, where] of missing) t.fail(`${name} is not in /metrics (queried by ${where.join(', ')})`);
});
