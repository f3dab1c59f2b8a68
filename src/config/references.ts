// Cross-checks that a schema cannot express: names that refer to other entries, spill cycles,
// engine-dependent keys, replica URLs, uniqueness across the whole config, the environment
// variables named by `apiKeyEnv` and settings that must be ordered (a backoff base not above its cap,
// a health-check timeout below its interval). Every problem is returned; nothing stops at the first.

import { checkRedis } from './check-redis.js';
import { apiProblems } from './pool-apis.js';
import { priceProblems } from './price-checks.js';
import type { RawConfig, RawPool } from './raw.js';
import { formatPath } from './validate.js';
import type { Config, PoolConfig } from './types.js';

type Path = readonly (string | number)[];

class Problems {
  readonly list: string[] = [];
  add(path: Path, message: string): void {
    this.list.push(`${formatPath(path)}: ${message}`);
  }
}

const known = (names: readonly string[]) => `(known: ${names.join(', ')})`;

export function checkReferences(raw: RawConfig, config: Config, env: NodeJS.ProcessEnv): string[] {
  const problems = new Problems();
  checkRetry(raw, config, problems);
  checkServer(raw, config, problems);
  checkModels(raw, config, problems);
  checkClassifier(raw, config, problems);
  checkKeys(config, problems);
  checkBudgets(raw, config, env, problems);
  checkIdempotency(config, problems);
  checkCache(config, problems);
  checkResponses(config, problems);
  checkTiers(config, problems);
  checkPools(raw, config, env, problems);
  return problems.list;
}

/** One of two settings that must be ordered: its path, its resolved value and where a default came from. */
interface Bound {
  readonly path: Path;
  readonly value: number;
  /** Undefined when the value was written in the file; otherwise how the default is described. */
  readonly defaulted?: string;
}

const bound = (path: Path, value: number, given: unknown, defaulted = 'by default'): Bound => (given === undefined ? { path, value, defaulted } : { path, value });

/**
 * `low` must not exceed `high` (or, when `strict`, must stay below it). The problem is reported at
 * the setting the file actually wrote (the low one when both are written), naming the other one
 * and whether its value is a default.
 */
function checkOrder(low: Bound, high: Bound, strict: boolean, problems: Problems): void {
  if (strict ? low.value < high.value : low.value <= high.value) return;
  const other = (b: Bound) => `${formatPath(b.path)} is ${b.value}${b.defaulted === undefined ? '' : ` ${b.defaulted}`}`;
  if (low.defaulted === undefined || high.defaulted !== undefined) {
    const relation = strict ? 'must be less than' : 'must not exceed';
    problems.add(low.path, `${relation} ${formatPath(high.path)} (got ${low.value}; ${other(high)})`);
  } else {
    const relation = strict ? 'must be greater than' : 'must not be less than';
    problems.add(high.path, `${relation} ${formatPath(low.path)} (got ${high.value}; ${other(low)})`);
  }
}

function checkRetry(raw: RawConfig, config: Config, problems: Problems): void {
  checkOrder(
    bound(['retry', 'backoffBaseMs'], config.retry.backoffBaseMs, raw.retry?.backoffBaseMs),
    bound(['retry', 'backoffMaxMs'], config.retry.backoffMaxMs, raw.retry?.backoffMaxMs),
    false,
    problems,
  );
}

/** Node refuses a request timeout below the headers timeout; the metrics listener needs a port of its own. */
function checkServer(raw: RawConfig, config: Config, problems: Problems): void {
  const { server } = config;
  checkOrder(
    bound(['server', 'headersTimeoutMs'], server.headersTimeoutMs, raw.server?.headersTimeoutMs),
    bound(['server', 'bodyTimeoutMs'], server.bodyTimeoutMs, raw.server?.bodyTimeoutMs),
    false,
    problems,
  );
  if (server.metricsPort !== null && server.metricsPort !== 0 && server.metricsPort === server.port) {
    problems.add(['server', 'metricsPort'], `must differ from server.port (both are ${server.port})`);
  }
}

function checkModels(raw: RawConfig, config: Config, problems: Problems): void {
  const tierNames = Object.keys(config.tiers);
  for (const [alias, model] of Object.entries(config.models)) {
    model.tiers.forEach((tier, i) => {
      if (!Object.hasOwn(config.tiers, tier)) problems.add(['models', alias, 'tiers', i], `unknown tier ${JSON.stringify(tier)} ${known(tierNames)}`);
    });
    // A route may only name the alias's own tiers, so `tiers` stays the whole list of where it can go.
    for (const [complexity, tier] of Object.entries(raw.models[alias]?.route ?? {})) {
      if (!model.tiers.includes(tier)) {
        problems.add(['models', alias, 'route', complexity], `${JSON.stringify(tier)} is not one of the alias's tiers (${model.tiers.join(', ')})`);
      }
    }
  }
  checkAnthropicModels(config, problems);
  if (config.defaultModel !== null && !Object.hasOwn(config.models, config.defaultModel)) {
    problems.add(['defaultModel'], `unknown model ${JSON.stringify(config.defaultModel)} ${known(Object.keys(config.models))}`);
  }
}

/** An Anthropic model name picks one alias: it may not be listed twice, nor be another alias's own name. */
function checkAnthropicModels(config: Config, problems: Problems): void {
  const owners = new Map<string, string>();
  for (const [alias, model] of Object.entries(config.models)) {
    model.anthropicModels?.forEach((name, i) => {
      const path: Path = ['models', alias, 'anthropicModels', i];
      const owner = owners.get(name);
      if (owner !== undefined) problems.add(path, `${JSON.stringify(name)} is already listed by ${formatPath(['models', owner, 'anthropicModels'])}`);
      else if (Object.hasOwn(config.models, name) && name !== alias) problems.add(path, `${JSON.stringify(name)} is the name of the alias ${JSON.stringify(name)}`);
      else owners.set(name, alias);
    });
  }
}

/** Declared keys: unique ids and secrets, and restrictions that name real aliases and tiers. */
function checkKeys(config: Config, problems: Problems): void {
  const ids = new Map<string, number>();
  const hashes = new Map<string, number>();
  config.auth.keys.forEach((key, i) => {
    const path: Path = ['auth', 'keys', i];
    const sameId = ids.get(key.id);
    if (sameId !== undefined) problems.add([...path, 'id'], `duplicate key id ${JSON.stringify(key.id)} (also auth.keys[${sameId}])`);
    else ids.set(key.id, i);
    const sameHash = hashes.get(key.hash);
    if (sameHash !== undefined) problems.add([...path, 'hash'], `the same secret as auth.keys[${sameHash}]`);
    else hashes.set(key.hash, i);
    key.models?.forEach((model, j) => {
      if (!Object.hasOwn(config.models, model)) problems.add([...path, 'models', j], `unknown model ${JSON.stringify(model)} ${known(Object.keys(config.models))}`);
    });
    key.tiers?.forEach((tier, j) => {
      if (!Object.hasOwn(config.tiers, tier)) problems.add([...path, 'tiers', j], `unknown tier ${JSON.stringify(tier)} ${known(Object.keys(config.tiers))}`);
    });
  });
}

/** Redis needs somewhere to connect to (check-redis.ts); a reservation must outlive any request it covers. */
function checkBudgets(raw: RawConfig, config: Config, env: NodeJS.ProcessEnv, problems: Problems): void {
  const { budgets } = config;
  const users = (
    [
      ['budgets.store', budgets.store],
      ['cache.store', config.cache.store],
      ['idempotency.store', config.idempotency.store],
      ['responses.store', config.responses.store],
    ] as const
  ).flatMap(([setting, store]) => (store === 'redis' ? [setting] : []));
  for (const [path, message] of checkRedis(budgets.redis, users, env)) problems.add(path, message);
  checkOrder(
    bound(['server', 'requestTimeoutMs'], config.server.requestTimeoutMs, raw.server?.requestTimeoutMs),
    bound(['budgets', 'reservationTtlMs'], budgets.reservationTtlMs, raw.budgets?.reservationTtlMs),
    true,
    problems,
  );
}

/** A shared response cache is reached through budgets.redis too. */
function checkCache(config: Config, problems: Problems): void {
  if (config.cache.store === 'redis' && config.budgets.redis === undefined) {
    problems.add(['cache', 'store'], '"redis" needs budgets.redis (the Redis the cache entries share with the budgets)');
  }
}

/** Shared stored responses are reached through budgets.redis too. */
function checkResponses(config: Config, problems: Problems): void {
  if (config.responses.store === 'redis' && config.budgets.redis === undefined) {
    problems.add(['responses', 'store'], '"redis" needs budgets.redis (the Redis the stored responses share with the budgets)');
  }
}

/** A shared idempotency store is reached through budgets.redis: one Redis setting for the router. */
function checkIdempotency(config: Config, problems: Problems): void {
  if (config.idempotency.store === 'redis' && config.budgets.redis === undefined) {
    problems.add(['idempotency', 'store'], '"redis" needs budgets.redis (the Redis the idempotency records share with the budgets)');
  }
}

/** The mode's settings must be there, and name pools that exist. */
function checkClassifier(raw: RawConfig, config: Config, problems: Problems): void {
  const { classifier } = config;
  const poolNames = Object.keys(config.pools);
  for (const mode of ['embeddings', 'llm'] as const) {
    const settings = classifier[mode];
    if (classifier.mode === mode && settings === undefined) {
      problems.add(['classifier', mode], `required when classifier.mode is "${mode}"`);
    }
    if (settings !== undefined && !Object.hasOwn(config.pools, settings.pool)) {
      problems.add(['classifier', mode, 'pool'], `unknown pool ${JSON.stringify(settings.pool)} ${known(poolNames)}`);
    }
  }
  const thresholds: Path = ['classifier', 'heuristic', 'thresholds'];
  const given = raw.classifier?.heuristic?.thresholds;
  checkOrder(
    bound([...thresholds, 'simpleBelow'], classifier.heuristic.thresholds.simpleBelow, given?.simpleBelow),
    bound([...thresholds, 'complexFrom'], classifier.heuristic.thresholds.complexFrom, given?.complexFrom),
    false,
    problems,
  );
}

function checkTiers(config: Config, problems: Problems): void {
  const tierNames = Object.keys(config.tiers);
  const poolNames = Object.keys(config.pools);
  for (const [name, tier] of Object.entries(config.tiers)) {
    tier.pools.forEach((pool, i) => {
      if (!Object.hasOwn(config.pools, pool)) problems.add(['tiers', name, 'pools', i], `unknown pool ${JSON.stringify(pool)} ${known(poolNames)}`);
    });
    if (tier.spillTo === undefined) continue;
    if (tier.spillTo === name) problems.add(['tiers', name, 'spillTo'], `a tier cannot spill to itself`);
    else if (!Object.hasOwn(config.tiers, tier.spillTo)) {
      problems.add(['tiers', name, 'spillTo'], `unknown tier ${JSON.stringify(tier.spillTo)} ${known(tierNames)}`);
    }
  }
  checkSpillCycles(config, problems);
}

/** Each cycle (longer than a self-spill, reported above) once, at its first member in file order. */
function checkSpillCycles(config: Config, problems: Problems): void {
  const next = (name: string): string | undefined => {
    const target = config.tiers[name]?.spillTo;
    return target !== undefined && target !== name && Object.hasOwn(config.tiers, target) ? target : undefined;
  };
  const order = Object.keys(config.tiers);
  const done = new Set<string>();
  for (const start of order) {
    const chain: string[] = [];
    let current: string | undefined = start;
    while (current !== undefined && !done.has(current) && !chain.includes(current)) {
      chain.push(current);
      current = next(current);
    }
    if (current !== undefined && chain.includes(current)) {
      const cycle = chain.slice(chain.indexOf(current));
      const first = [...cycle].sort((a, b) => order.indexOf(a) - order.indexOf(b))[0] ?? current;
      const rotated = [...cycle.slice(cycle.indexOf(first)), ...cycle.slice(0, cycle.indexOf(first)), first];
      problems.add(['tiers', first, 'spillTo'], `spill cycle ${rotated.join(' → ')}`);
    }
    for (const name of chain) done.add(name);
  }
}

function checkPools(raw: RawConfig, config: Config, env: NodeJS.ProcessEnv, problems: Problems): void {
  const names = new Map<string, Path>();
  const origins = new Map<string, Path>();
  for (const [poolName, pool] of Object.entries(config.pools)) {
    const rawPool = raw.pools[poolName];
    if (rawPool === undefined) continue;
    const isSim = pool.engine === 'sim';
    if (!isSim && rawPool.sim !== undefined) problems.add(['pools', poolName, 'sim'], 'only valid when engine is "sim"');
    if (pool.engine !== 'anthropic' && rawPool.anthropic !== undefined) problems.add(['pools', poolName, 'anthropic'], 'only valid when engine is "anthropic"');
    if (pool.engine !== 'azure' && rawPool.azure !== undefined) problems.add(['pools', poolName, 'azure'], 'only valid when engine is "azure"');
    if (pool.azure?.api === 'deployments' && pool.azure.apiVersion === null) {
      problems.add(['pools', poolName, 'azure', 'apiVersion'], 'required when api is "deployments" (e.g. 2024-10-21)');
    }
    if (pool.apiKeyEnv !== undefined) {
      const value = env[pool.apiKeyEnv];
      if (value === undefined) problems.add(['pools', poolName, 'apiKeyEnv'], `environment variable ${pool.apiKeyEnv} is not set`);
      else if (value === '') problems.add(['pools', poolName, 'apiKeyEnv'], `environment variable ${pool.apiKeyEnv} is empty`);
    }
    checkPoolTimings(poolName, rawPool, pool, problems);
    for (const [path, message] of priceProblems(poolName, rawPool.price, pool)) problems.add(path, message);
    for (const [path, message] of apiProblems(poolName, pool)) problems.add(path, message);
    pool.replicas.forEach((replica, i) => {
      const path: Path = ['pools', poolName, 'replicas', i];
      const rawReplica = rawPool.replicas[i];
      if (!isSim && rawReplica?.sim !== undefined) problems.add([...path, 'sim'], 'only valid when engine is "sim"');

      const earlier = names.get(replica.name);
      const defaulted = rawReplica?.name === undefined ? ' (the default name)' : '';
      if (earlier !== undefined) {
        problems.add(
          [...path, 'name'],
          `duplicate replica name ${JSON.stringify(replica.name)}${defaulted}, also used by ${formatPath(earlier)}; replica names must be unique across the config`,
        );
      } else names.set(replica.name, path);

      const origin = checkUrl(pool.engine, rawReplica?.url, [...path, 'url'], problems);
      if (origin === undefined) return;
      const first = origins.get(origin);
      if (first !== undefined) problems.add([...path, 'url'], `duplicate replica URL ${JSON.stringify(replica.url)}, also used by ${formatPath(first)}`);
      else origins.set(origin, path);
    });
  }
}

/**
 * Ejections grow from `baseEjectionMs` up to `maxEjectionMs`; a health check must finish before the
 * next one is due; a scrape must come before the previous one goes stale. Active checks and metric scrapes on hosted (openai) pools are allowed: they are
 * off by default there, but a deployment may turn them on deliberately.
 */
function checkPoolTimings(poolName: string, raw: RawPool, pool: PoolConfig, problems: Problems): void {
  const outlier: Path = ['pools', poolName, 'outlier'];
  checkOrder(
    bound([...outlier, 'baseEjectionMs'], pool.outlier.baseEjectionMs, raw.outlier?.baseEjectionMs),
    bound([...outlier, 'maxEjectionMs'], pool.outlier.maxEjectionMs, raw.outlier?.maxEjectionMs),
    false,
    problems,
  );
  if (pool.healthCheck.intervalMs > 0) {
    const health: Path = ['pools', poolName, 'healthCheck'];
    const engineDefault = `by default for engine ${JSON.stringify(pool.engine)}`;
    checkOrder(
      bound([...health, 'timeoutMs'], pool.healthCheck.timeoutMs, raw.healthCheck?.timeoutMs),
      bound([...health, 'intervalMs'], pool.healthCheck.intervalMs, raw.healthCheck?.intervalMs, engineDefault),
      true,
      problems,
    );
  }
  if (pool.engineMetrics.intervalMs > 0) {
    // A scrape is stale past staleAfterMs and stale load counts as busy: with scrapes further apart
    // than that, every replica would look busy between two scrapes.
    const metrics: Path = ['pools', poolName, 'engineMetrics'];
    checkOrder(
      bound([...metrics, 'intervalMs'], pool.engineMetrics.intervalMs, raw.engineMetrics?.intervalMs, `by default for engine ${JSON.stringify(pool.engine)}`),
      bound([...metrics, 'staleAfterMs'], pool.engineMetrics.staleAfterMs, raw.engineMetrics?.staleAfterMs),
      true,
      problems,
    );
  }
}

/** Checks a replica URL against its engine; returns its origin (for uniqueness) when it is valid. */
function checkUrl(engine: string, url: string | undefined, path: Path, problems: Problems): string | undefined {
  if (engine === 'sim') {
    if (url !== undefined) problems.add(path, 'not allowed when engine is "sim" (the router starts sim replicas itself)');
    return undefined;
  }
  if (url === undefined) {
    problems.add(path, `required when engine is ${JSON.stringify(engine)}`);
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    problems.add(path, `not a valid URL (got ${JSON.stringify(url)}); expected an origin like http://host:port`);
    return undefined;
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // The URL itself is not echoed: it holds a secret.
    problems.add(path, 'must not contain a username or password (name the API key with apiKeyEnv instead)');
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    problems.add(path, `must use http: or https: (got ${JSON.stringify(url)})`);
    return undefined;
  }
  if (parsed.pathname !== '/' && parsed.pathname !== '') {
    problems.add(path, `must be an origin like http://host:port without a path (got ${JSON.stringify(url)}); the router adds /v1/...`);
    return undefined;
  }
  if (parsed.search !== '' || parsed.hash !== '' || url.includes('?') || url.includes('#')) {
    problems.add(path, `must be an origin like http://host:port without a query or fragment (got ${JSON.stringify(url)})`);
    return undefined;
  }
  return parsed.origin;
}
