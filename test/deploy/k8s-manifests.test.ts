// deploy/k8s/: every document is valid against its Kubernetes (or Prometheus operator CRD) schema with
// no unknown fields (k8s-schemas.ts), and the pieces agree with each other and with the router: the
// ConfigMap's router.yaml loads with the router's own loader, the ports, probes, selectors, Secret
// keys and the HPA's adapter metric all point at things that exist.
import { readFileSync, readdirSync } from 'node:fs';
import t from 'tap';
import { parse, parseAllDocuments } from 'yaml';
import { parseConfigObject } from '../../src/config/load.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { validateManifest } from './k8s-schemas.js';

const DIR = new URL('../../deploy/k8s/', import.meta.url);

type Doc = Record<string, unknown>;
interface Manifest {
  readonly file: string;
  readonly doc: Doc;
}

const manifests: Manifest[] = readdirSync(DIR)
  .filter((file) => file.endsWith('.yaml'))
  .sort()
  .flatMap((file) =>
    parseAllDocuments(readFileSync(new URL(file, DIR), 'utf8')).map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map(String).join('; ')}`);
      return { file, doc: document.toJS() as Doc };
    }),
  );

// Typed reads of the parsed YAML: a missing or mistyped field fails the test with its path.
const obj = (value: unknown, what: string): Doc => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what}: not a mapping`);
  return value as Doc;
};
const list = (value: unknown, what: string): unknown[] => {
  if (!Array.isArray(value)) throw new Error(`${what}: not a list`);
  return value;
};
const str = (value: unknown, what: string): string => {
  if (typeof value !== 'string') throw new Error(`${what}: not a string`);
  return value;
};
// A dotted path; a key that has dots of its own (router.yaml) is given as a list.
const at = (root: unknown, path: string | readonly string[]): unknown =>
  (typeof path === 'string' ? path.split('.') : path).reduce<unknown>((node, key) => (Array.isArray(node) ? node[Number(key)] : obj(node, String(path))[key]), root);

function one(kind: string, name: string): Doc {
  const found = manifests.filter((m) => m.doc['kind'] === kind && at(m.doc, 'metadata.name') === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0]!.doc;
}

t.test('every document is valid against its schema, with no unknown fields', async (t) => {
  t.ok(manifests.length >= 9, `${manifests.length} documents`);
  for (const { file, doc } of manifests) t.strictSame(validateManifest(doc), [], `${file}: ${String(doc['kind'])} ${String(at(doc, 'metadata.name'))}`);
});

t.test('the validation can fail: a wrong type, a misspelt field, an unknown kind', async (t) => {
  const deployment = structuredClone(one('Deployment', 'switchyard'));
  obj(at(deployment, 'spec'), 'spec')['revisionHistoryLimit'] = 'five';
  t.match(validateManifest(deployment), [/revisionHistoryLimit must be integer/]);
  const misspelt = structuredClone(one('Deployment', 'switchyard'));
  const container = obj(at(misspelt, 'spec.template.spec.containers.0'), 'container');
  container['readinesProbe'] = container['readinessProbe'];
  t.strictSame(validateManifest(misspelt), ['data/spec/template/spec/containers/0/readinesProbe is not a field of the schema']);
  const monitor = structuredClone(one('ServiceMonitor', 'switchyard'));
  obj(at(monitor, 'spec.endpoints.0'), 'endpoint')['interval'] = '15 seconds';
  t.match(validateManifest(monitor), [/interval must match pattern/]);
  t.match(validateManifest({ apiVersion: 'v1', kind: 'Pod' }), [/no schema for v1\/Pod/]);
});

const configMap = one('ConfigMap', 'switchyard-config');
const secret = one('Secret', 'switchyard-secrets');
const deployment = one('Deployment', 'switchyard');
const pod = obj(at(deployment, 'spec.template.spec'), 'pod spec');
const container = obj(at(pod, 'containers.0'), 'container');
const ports = new Map(list(container['ports'], 'ports').map((p) => [str(obj(p, 'port')['name'], 'port name'), obj(p, 'port')['containerPort']]));
const podLabels = obj(at(deployment, 'spec.template.metadata.labels'), 'pod labels');
const secretData = obj(secret['stringData'], 'stringData');
const env = new Map(list(container['env'], 'env').map((e) => [str(obj(e, 'env')['name'], 'env name'), obj(e, 'env')]));

const routerYaml = str(at(configMap, ['data', 'router.yaml']), 'router.yaml');
const routerEnv = { REDIS_URL: str(secretData['redis-url'], 'redis-url') };
const loaded = parseConfigObject(parse(routerYaml), { env: routerEnv, source: 'deploy/k8s/switchyard.yaml#router.yaml' });

t.test("the ConfigMap's router.yaml loads with the router's loader, Redis from the Secret's variable", async (t) => {
  t.strictSame(loaded.ok ? [] : loaded.errors, []);
  if (!loaded.ok) return;
  const config = loaded.config;
  t.equal(config.budgets.store, 'redis');
  t.equal(str(at(env.get('SWITCHYARD_CONFIG'), 'value'), 'SWITCHYARD_CONFIG'), '/etc/switchyard/router.yaml');
  t.equal(at(container, 'volumeMounts.0.mountPath'), '/etc/switchyard');
  t.equal(at(pod, 'volumes.0.configMap.name'), 'switchyard-config');
  t.equal(ports.get('metrics'), config.server.metricsPort, 'the metrics port is server.metricsPort');
  t.equal(ports.get('http'), config.server.port, 'the http port is server.port (the image sets PORT 8080)');
  // The Service and the ingress keep sending to a pod for a few seconds after it is told to stop: the
  // preStop pause covers that, and the kill comes after the pause and the drain.
  const pause = list(at(container, 'lifecycle.preStop.exec.command'), 'preStop command');
  t.strictSame(pause.slice(0, 1), ['sleep'], 'a preStop pause');
  t.ok(Number(pod['terminationGracePeriodSeconds']) * 1000 > Number(pause[1]) * 1000 + config.server.shutdownGraceMs, 'the kill comes after the pause and the drain');
  // Several routers answer one client: what one stores, every other must find.
  t.strictSame([config.responses.store, config.idempotency.store], ['redis', 'redis'], 'stored responses and idempotent answers are shared');
  t.equal(config.auth.required, true, 'every request needs a key');
});

t.test('secrets reach the container through env, by keys the Secret has', async (t) => {
  t.ok(!routerYaml.includes('redis://'), 'no Redis URL in the ConfigMap');
  for (const name of ['REDIS_URL', 'SWITCHYARD_ADMIN_TOKEN']) {
    const ref = obj(at(env.get(name), 'valueFrom.secretKeyRef'), `${name} secretKeyRef`);
    t.equal(ref['name'], at(secret, 'metadata.name'), `${name}: the Secret`);
    t.ok(str(ref['key'], 'key') in secretData, `${name}: key ${String(ref['key'])} is in the Secret`);
    t.not(ref['optional'], true, `${name}: required (keys are made through the admin API)`);
  }
});

t.test('probes, resources, spread and security', async (t) => {
  t.strictSame(at(container, 'readinessProbe.httpGet'), { path: '/readyz', port: 'metrics' });
  t.strictSame(at(container, 'livenessProbe.httpGet'), { path: '/healthz', port: 'metrics' });
  t.strictSame(container['resources'], { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '2', memory: '1Gi' } });
  const spread = list(pod['topologySpreadConstraints'], 'spread').map((c) => obj(c, 'constraint'));
  t.strictSame(
    spread.map((c) => c['topologyKey']),
    ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'],
  );
  for (const c of spread) t.strictSame(at(c, 'labelSelector.matchLabels'), podLabels, `${String(c['topologyKey'])}: selects the pods`);
  t.strictSame(at(pod, 'securityContext.runAsNonRoot'), true);
  t.equal(at(pod, 'securityContext.runAsUser'), 1000, "numeric, the image's node user");
  t.equal(at(deployment, 'spec.replicas'), undefined, 'the HPA owns the count');
  t.strictSame(at(deployment, 'spec.selector.matchLabels'), podLabels);
});

t.test('services select the pods and expose only their own port', async (t) => {
  const api = one('Service', 'switchyard');
  const metrics = one('Service', 'switchyard-metrics');
  for (const service of [api, metrics]) t.strictSame(at(service, 'spec.selector'), podLabels);
  t.strictSame(
    list(at(api, 'spec.ports'), 'ports').map((p) => obj(p, 'port')['targetPort']),
    ['http'],
  );
  t.strictSame(
    list(at(metrics, 'spec.ports'), 'ports').map((p) => obj(p, 'port')['targetPort']),
    ['metrics'],
  );
  t.equal(at(metrics, 'spec.clusterIP'), 'None');
});

t.test('the ServiceMonitor selects the metrics Service and its port', async (t) => {
  const monitor = one('ServiceMonitor', 'switchyard');
  const metrics = one('Service', 'switchyard-metrics');
  const labels = obj(at(metrics, 'metadata.labels'), 'labels');
  const selector = obj(at(monitor, 'spec.selector.matchLabels'), 'selector');
  for (const [key, value] of Object.entries(selector)) t.equal(labels[key], value, `selector ${key}`);
  t.not(at(one('Service', 'switchyard'), ['metadata', 'labels', 'app.kubernetes.io/component']), 'metrics', 'the API Service is not selected');
  t.equal(at(monitor, 'spec.endpoints.0.port'), at(metrics, 'spec.ports.0.name'));
  t.equal(at(monitor, 'spec.endpoints.0.path'), '/metrics');
});

t.test("the HPA scales the Deployment on CPU and on the adapter's in-flight metric, from the router's real gauge", async (t) => {
  const hpa = one('HorizontalPodAutoscaler', 'switchyard');
  t.strictSame(at(hpa, 'spec.scaleTargetRef'), { apiVersion: 'apps/v1', kind: 'Deployment', name: 'switchyard' });
  t.equal(at(hpa, 'spec.metrics.0.resource.name'), 'cpu');
  t.equal(at(hpa, 'spec.minReplicas'), 2);
  const podsMetric = str(at(hpa, 'spec.metrics.1.pods.metric.name'), 'pods metric');
  const adapter = parse(str(at(one('ConfigMap', 'adapter-config'), ['data', 'config.yaml']), 'config.yaml')) as unknown;
  const rule = obj(at(adapter, 'rules.0'), 'rule');
  t.equal(at(rule, 'name.as'), podsMetric, 'the adapter serves the name the HPA asks for');
  const series = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{/.exec(str(rule['seriesQuery'], 'seriesQuery'))?.[1];
  const names = createMetrics()
    .registry.getMetricsAsArray()
    .map((m) => m.name);
  t.ok(series !== undefined && names.includes(series), `${String(series)} is one of the router's metrics`);
  t.equal(series, 'switchyard_replica_in_flight');
  t.ok(new RegExp(str(at(rule, 'name.matches'), 'matches')).test(series ?? ''), 'name.matches matches the series');
  t.match(rule['metricsQuery'], /<<\.Series>>\{<<\.LabelMatchers>>\}/);
});

t.test('the PodDisruptionBudget covers the pods', async (t) => {
  const pdb = one('PodDisruptionBudget', 'switchyard');
  t.strictSame(at(pdb, 'spec.selector.matchLabels'), podLabels);
  t.equal(at(pdb, 'spec.maxUnavailable'), 1);
});
