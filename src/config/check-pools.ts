// The cross-checks of pools and their replicas: keys valid only for some engines, the environment
// variables named by apiKeyEnv, timings that must be ordered, prices, natively served APIs, replica
// names unique across the config, and replica URLs (allowed for the engine, and unique).
import { apiProblems } from './pool-apis.js';
import { priceProblems } from './price-checks.js';
import { bound, checkOrder, type Path, type Problems } from './problems.js';
import type { RawConfig, RawPool } from './raw.js';
import type { Config, PoolConfig } from './types.js';
import { formatPath } from './validate.js';

/** Whether a key has a space or a control character anywhere (an HTTP header value may not end in whitespace nor hold controls). */
function hasSpaceOrControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return true;
  }
  return false;
}

export function checkPools(raw: RawConfig, config: Config, env: NodeJS.ProcessEnv, problems: Problems): void {
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
      // Sent as a header, where undici refuses it at every request: each would be the replica's failure.
      else if (hasSpaceOrControl(value)) {
        problems.add(
          ['pools', poolName, 'apiKeyEnv'],
          `environment variable ${pool.apiKeyEnv} holds whitespace or a control character (a trailing newline from a secret file?), which an HTTP header cannot carry`,
        );
      }
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
