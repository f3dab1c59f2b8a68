// deploy/docker-compose.yml and the files it mounts, checked without Docker: the Compose
// specification's JSON schema (as dclint ships it), every mounted file and build context
// present, Redis never evicting, Prometheus scraping ports that the router and the simulators really
// listen on, Grafana provisioned with the dashboard, the router's config loading with its own loader,
// and the load generator's keys declared in it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import t from 'tap';
import { parseConfigObject } from '../../src/config/load.js';
import { DEPLOY, composeServices, readYaml, simArgs, type Yaml } from './compose-stack.js';

const services = composeServices();
const service = (name: string): Yaml => {
  const found = services[name];
  if (found === undefined) throw new Error(`no service ${name}`);
  return found;
};
const router = readYaml('compose/router.yaml');
const sims = Object.keys(services).filter((name) => name.startsWith('sim-'));
const flag = (args: readonly string[], name: string): string | undefined => args[args.indexOf(name) + 1];

// The Compose specification's JSON schema as dclint (npm, MIT) ships it: draft-07, current (top-level
// name and models, service gpus). dclint's package exports do not name the file, so it is read from
// beside its package.json.
const COMPOSE_SCHEMA = join(dirname(createRequire(import.meta.url).resolve('dclint/package.json')), 'schemas/compose.schema.json');

t.test('the compose file is valid against the Compose specification schema', async (t) => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  // Its $schema names draft-07 by an https:// URI, Ajv's meta-schema by http://: the default Ajv is
  // draft-07, so $schema is dropped rather than fetched.
  const { $schema: _draft, ...schema } = JSON.parse(readFileSync(COMPOSE_SCHEMA, 'utf8')) as Record<string, unknown>;
  const validate = ajv.compile(schema);
  t.ok(validate(readYaml('docker-compose.yml')), ajv.errorsText(validate.errors));
  const broken = { ...readYaml('docker-compose.yml'), services: { redis: { image: 'redis', restrat: 'always', stop_grace_period: 5 } } };
  t.notOk(validate(broken), 'and the schema can fail');
  t.strictSame(
    (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`),
    ['/services/redis must NOT have additional properties', '/services/redis/stop_grace_period must be string'],
  );
});

t.test('every file and build context the services use exists', async (t) => {
  for (const [name, svc] of Object.entries(services)) {
    const build = svc['build'];
    if (build !== undefined) t.ok(typeof build === 'string' && existsSync(new URL(`${build}/Dockerfile`, DEPLOY)), `${name}: build context has a Dockerfile`);
    for (const volume of (svc['volumes'] as string[] | undefined) ?? []) {
      const source = volume.split(':')[0] ?? '';
      if (source.startsWith('.')) t.ok(existsSync(new URL(source, DEPLOY)), `${name}: ${source} exists`);
    }
  }
});

t.test('Redis never evicts: budget buckets have TTLs, and an evicted bucket is a reset budget', async (t) => {
  const command = service('redis')['command'] as string[];
  t.equal(flag(command, '--maxmemory-policy'), 'noeviction');
  t.equal((router['budgets'] as Yaml)['store'], 'redis');
  t.equal(((router['budgets'] as Yaml)['redis'] as Yaml)['url'], 'redis://redis:6379/0');
});

t.test("the router's config loads, and its replicas are the simulator services", async (t) => {
  const loaded = parseConfigObject(router, { source: 'deploy/compose/router.yaml' });
  t.strictSame(loaded.ok ? [] : loaded.errors, []);
  t.strictSame(service('switchyard')['volumes'], ['./compose/router.yaml:/etc/switchyard/router.yaml:ro']);
  t.equal((service('switchyard')['environment'] as Yaml)['SWITCHYARD_CONFIG'], '/etc/switchyard/router.yaml');
  const urls = Object.values(router['pools'] as Record<string, { replicas: { url: string }[] }>).flatMap((pool) => pool.replicas.map((r) => r.url));
  t.strictSame(urls.map((url) => new URL(url).hostname).sort(), [...sims].sort(), 'one replica per simulator service');
  for (const url of urls) {
    const args = simArgs(service(new URL(url).hostname));
    t.equal(new URL(url).port, flag(args, '--port'), `${url}: the port the simulator listens on`);
    t.equal(flag(args, '--host'), '0.0.0.0', `${url}: reachable from other containers`);
  }
});

t.test('Prometheus scrapes the router metrics listener and every simulator', async (t) => {
  const prometheus = readYaml('prometheus/prometheus.yml');
  const jobs = new Map((prometheus['scrape_configs'] as Yaml[]).map((job) => [String(job['job_name']), job]));
  const targets = (job: string) => ((jobs.get(job)?.['static_configs'] as Yaml[] | undefined) ?? []).flatMap((c) => c['targets'] as string[]);
  t.strictSame(targets('switchyard'), [`switchyard:${String((router['server'] as Yaml)['metricsPort'])}`]);
  t.strictSame(targets('engines').sort(), sims.map((name) => `${name}:${flag(simArgs(service(name)), '--port') ?? ''}`).sort());
  for (const job of jobs.values()) t.equal(job['metrics_path'], '/metrics');
  t.notOk(
    (service('switchyard')['ports'] as string[]).some((p) => p.includes('9464')),
    'the metrics port (key names) is not published',
  );
});

t.test('Grafana is provisioned with the Prometheus data source and the dashboard', async (t) => {
  const datasources = readYaml('grafana/provisioning/datasources/prometheus.yaml')['datasources'] as Yaml[];
  t.equal(datasources.length, 1);
  t.match(datasources[0], { type: 'prometheus', url: 'http://prometheus:9090', isDefault: true });
  const providers = readYaml('grafana/provisioning/dashboards/switchyard.yaml')['providers'] as Yaml[];
  const path = String((providers[0]?.['options'] as Yaml)['path']);
  const grafana = service('grafana');
  const mounts = (grafana['volumes'] as string[]).map((v) => v.split(':'));
  t.ok(
    mounts.some(([source, target]) => source === './grafana/switchyard-dashboard.json' && target?.startsWith(`${path}/`)),
    'the dashboard is mounted where the provider looks',
  );
  t.ok(
    mounts.some(([source, target]) => source === './grafana/provisioning' && target === '/etc/grafana/provisioning'),
    'provisioning is mounted',
  );
  t.equal((grafana['environment'] as Yaml)['GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH'], mounts.find(([source]) => source === './grafana/switchyard-dashboard.json')?.[1]);
  t.strictSame(grafana['ports'], ['127.0.0.1:3000:3000']);
  for (const [name, svc] of Object.entries(services)) {
    for (const port of (svc['ports'] as string[] | undefined) ?? []) t.match(port, /^127\.0\.0\.1:/, `${name}: ${port} is published on loopback only`);
  }
});

t.test("the load generator is bounded and its keys are the router's", async (t) => {
  const loadgen = service('loadgen');
  t.equal(loadgen['restart'], 'no');
  t.match((loadgen['environment'] as Yaml)['REQUESTS'], /^\d+$/);
  const script = readFileSync(new URL('loadgen/loadgen.sh', DEPLOY), 'utf8');
  const secrets = [...script.matchAll(/^worker (\S+) &$/gm)].map((m) => m[1] ?? '');
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const keys = ((router['auth'] as Yaml)['keys'] as Yaml[]).map((key) => ({ id: key['id'], hash: key['hash'] }));
  t.equal(secrets.length, 3);
  t.strictSame(
    secrets.map((secret) => keys.find((key) => key.hash === sha256(secret))?.id),
    ['web', 'batch', 'trial'],
    'each secret hashes to a declared key',
  );
});
