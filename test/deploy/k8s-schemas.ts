// Validating Kubernetes manifests without a cluster: `kubectl apply --dry-run=client` cannot run
// here, and kubeconform is not in this machine's Debian 12 archive (and fetches its schemas over the
// network by default). kubernetes-models (npm, MIT) ships the Kubernetes OpenAPI schemas (1.34-era:
// resource.k8s.io/v1 and HPA tolerance are in it) compiled to ajv validators, and
// @kubernetes-models/prometheus-operator the same for the operator's CRDs (ServiceMonitor),
// generated from the CRDs' openAPIV3Schema.
//
// Those schemas allow unknown fields, so a typo (`readinesProbe`) would pass them. A cluster refuses
// it: kubectl asks the API server for strict field validation by default (server-side field
// validation, GA in Kubernetes 1.27), as kubeconform -strict does offline. The validators are
// therefore run on proxies that record which fields the schema reads: in a mapping the validator
// looked into, a field it never read is not in the schema.
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';

interface ModelClass {
  readonly prototype: { validate(): void };
}

/** apiVersion/kind → the model class whose validate method checks it (called with the document as `this`). */
const MODELS: ReadonlyMap<string, ModelClass> = new Map<string, ModelClass>([
  ['apps/v1/Deployment', Deployment],
  ['autoscaling/v2/HorizontalPodAutoscaler', HorizontalPodAutoscaler],
  ['policy/v1/PodDisruptionBudget', PodDisruptionBudget],
  ['v1/ConfigMap', ConfigMap],
  ['v1/Secret', Secret],
  ['v1/Service', Service],
  ['monitoring.coreos.com/v1/ServiceMonitor', ServiceMonitor],
]);

export const KNOWN_KINDS: readonly string[] = [...MODELS.keys()];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every problem with one document: schema errors, then fields the schema does not know. */
export function validateManifest(doc: unknown): string[] {
  if (!isRecord(doc)) return ['the document is not a mapping'];
  const key = `${String(doc['apiVersion'])}/${String(doc['kind'])}`;
  const model = MODELS.get(key);
  if (model === undefined) return [`no schema for ${key} (known: ${KNOWN_KINDS.join(', ')})`];
  const reads = new Map<string, Set<string>>();
  const tracked = track(doc, '', reads, new WeakMap());
  try {
    model.prototype.validate.call(tracked);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
  return unknownFields(doc, '', reads);
}

/** A read-recording view of `value`: every property read, `in` test or key listing is noted by path. */
function track(value: unknown, path: string, reads: Map<string, Set<string>>, seen: WeakMap<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const cached = seen.get(value);
  if (cached !== undefined) return cached;
  const noted = (key: string | symbol): void => {
    if (typeof key !== 'string') return;
    let set = reads.get(path);
    if (set === undefined) reads.set(path, (set = new Set()));
    set.add(key);
  };
  const proxy = new Proxy(value, {
    get(target, key, receiver) {
      noted(key);
      const child: unknown = Reflect.get(target, key, receiver);
      return typeof key === 'string' && Object.hasOwn(target, key) ? track(child, `${path}/${key}`, reads, seen) : child;
    },
    has(target, key) {
      noted(key);
      return Reflect.has(target, key);
    },
  });
  seen.set(value, proxy);
  return proxy;
}

/** Fields of mappings the validator looked into (read at least one key of) that it never read. */
function unknownFields(value: unknown, path: string, reads: Map<string, Set<string>>): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => unknownFields(item, `${path}/${index}`, reads));
  if (!isRecord(value)) return [];
  const read = reads.get(path);
  const problems: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (read !== undefined && !read.has(key)) problems.push(`data${path}/${key} is not a field of the schema`);
    else problems.push(...unknownFields(child, `${path}/${key}`, reads));
  }
  return problems;
}
