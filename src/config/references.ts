// Cross-checks that a schema cannot express: names that refer to other entries, spill cycles,
// uniqueness across the whole config and settings that must be ordered (a backoff base not above its
// cap); the pools' own checks are check-pools.ts. Every problem is returned; nothing stops at the first.

import { checkPools } from './check-pools.js';
import { checkRedis } from './check-redis.js';
import { bound, checkOrder, Problems, type Path } from './problems.js';
import type { RawConfig } from './raw.js';
import { formatPath } from './validate.js';
import type { Config } from './types.js';

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
