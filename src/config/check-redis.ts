// Cross-checks of budgets.redis that the schema cannot express: exactly one place to connect to, one
// URL scheme per topology (TLS is on for all of its connections or for none), TLS files that can be
// read now rather than at the first reconnect, and credentials present in the environment.
import { readFileSync } from 'node:fs';
import type { RedisConfig } from './types.js';

export type RedisProblem = [path: readonly (string | number)[], message: string];

const TARGETS = ['url', 'urlEnv', 'cluster', 'sentinel'] as const;

/**
 * `users`: the settings that put a store in this Redis (`budgets.store`, `cache.store`, …); with none,
 * only the shape is checked. (A cache or idempotency store without budgets.redis at all is reported
 * by their own checks.)
 */
export function checkRedis(redis: RedisConfig | undefined, users: readonly string[], env: NodeJS.ProcessEnv): RedisProblem[] {
  const problems: RedisProblem[] = [];
  const add = (path: readonly (string | number)[], message: string): void => void problems.push([['budgets', 'redis', ...path], message]);
  const given = TARGETS.filter((name) => redis?.[name] !== undefined);
  const needed = users.includes('budgets.store') || (redis !== undefined && users.length > 0);
  if (needed && given.length === 0) add([], `needs url, urlEnv, cluster or sentinel when ${users[0] ?? 'budgets.store'} is "redis"`);
  if (given.length > 1) add([], `give only one of url, urlEnv, cluster and sentinel (got ${given.join(' and ')})`);
  if (redis === undefined || users.length === 0) return problems;

  const schemes = new Set<string>();
  if (redis.url !== undefined) {
    schemes.add(scheme(redis.url));
    // The pattern checks the scheme only: a URL that does not parse would fail the start, after a clean check.
    if (!URL.canParse(redis.url)) add(['url'], `not a valid URL (got ${JSON.stringify(redis.url)})`);
  }
  if (redis.urlEnv !== undefined) {
    const value = env[redis.urlEnv];
    const path = ['urlEnv'];
    if (value === undefined) add(path, `environment variable ${redis.urlEnv} is not set`);
    else if (value === '') add(path, `environment variable ${redis.urlEnv} is empty`);
    else if (!/^rediss?:\/\//.test(value)) add(path, `environment variable ${redis.urlEnv} must hold a redis:// or rediss:// URL`);
    else if (!URL.canParse(value)) add(path, `environment variable ${redis.urlEnv} is not a valid URL`);
    else schemes.add(scheme(value));
  }
  if (redis.cluster !== undefined) {
    checkOneScheme(redis.cluster.nodes, ['cluster', 'nodes'], add).forEach((s) => schemes.add(s));
    redis.cluster.nodes.forEach((node, i) => {
      if (!/^rediss?:\/\/[^/]*(\/0?)?$/.test(node))
        add(['cluster', 'nodes', i], `Redis Cluster has database 0 only; leave the database out of the URL (got ${JSON.stringify(node)})`);
    });
  }
  if (redis.sentinel !== undefined) {
    checkOneScheme(redis.sentinel.sentinels, ['sentinel', 'sentinels'], add).forEach((s) => schemes.add(s));
    checkCredentials(redis.sentinel, ['sentinel'], env, add);
  }
  checkCredentials(redis, [], env, add);

  const tls = redis.tls;
  if (tls !== undefined) {
    if (schemes.has('redis://') && !schemes.has('rediss://')) add(['tls'], 'the TLS files need rediss:// URLs (this connection is redis://, without TLS)');
    if ((tls.cert === undefined) !== (tls.key === undefined)) add(['tls'], 'cert and key go together (a client certificate needs its private key)');
    for (const name of ['ca', 'cert', 'key'] as const) {
      const file = tls[name];
      if (file === undefined) continue;
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : String(error);
        add(['tls', name], `cannot read ${file} (${code})`);
        continue;
      }
      if (!text.includes('-----BEGIN ')) add(['tls', name], `${file} is not a PEM file (no "-----BEGIN" line)`);
    }
  }
  return problems;
}

function scheme(url: string): string {
  return url.startsWith('rediss://') ? 'rediss://' : 'redis://';
}

/** Every connection of a topology uses TLS or none does; returns the scheme(s) seen. */
function checkOneScheme(urls: readonly string[], path: readonly (string | number)[], add: (path: readonly (string | number)[], message: string) => void): Set<string> {
  const seen = new Set(urls.map(scheme));
  if (seen.size > 1) {
    const odd = urls.findIndex((url) => scheme(url) !== scheme(urls[0] ?? ''));
    add([...path, odd], `${scheme(urls[odd] ?? '')} mixed with ${scheme(urls[0] ?? '')}: use one scheme for all (TLS on every connection or on none)`);
  }
  return seen;
}

function checkCredentials(
  owner: { readonly usernameEnv?: string; readonly passwordEnv?: string },
  path: readonly string[],
  env: NodeJS.ProcessEnv,
  add: (path: readonly (string | number)[], message: string) => void,
): void {
  if (owner.usernameEnv !== undefined && owner.passwordEnv === undefined) add([...path, 'usernameEnv'], 'an ACL user needs passwordEnv too');
  for (const name of ['usernameEnv', 'passwordEnv'] as const) {
    const variable = owner[name];
    if (variable === undefined) continue;
    const value = env[variable];
    if (value === undefined) add([...path, name], `environment variable ${variable} is not set`);
    else if (value === '') add([...path, name], `environment variable ${variable} is empty`);
  }
}
