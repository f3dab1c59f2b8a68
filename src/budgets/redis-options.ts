// From budgets.redis in router.yaml to the connection factory's options, for every Redis-backed store
// (budgets, and the cache and idempotency records that share the same Redis): the target, the ACL
// credentials from the environment and the TLS files' PEM text. The config step has already checked
// that exactly one target is given, that the variables are set and the files readable; a file that
// vanished since is an error here, at startup.
import { readFileSync } from 'node:fs';
import type { RedisConfig } from '../config/types.js';
import type { RedisConnectionOptions, RedisTls } from './redis-connection.js';

export function redisConnectionOptions(redis: RedisConfig, env: NodeJS.ProcessEnv): RedisConnectionOptions {
  const common = {
    ...credentials(redis, env),
    ...(redis.tls === undefined ? {} : { tls: readTls(redis.tls) }),
    commandTimeoutMs: redis.commandTimeoutMs,
  };
  if (redis.cluster !== undefined) return { cluster: { nodes: [...redis.cluster.nodes] }, ...common };
  if (redis.sentinel !== undefined) {
    const { masterName, sentinels, db } = redis.sentinel;
    const own = credentials(redis.sentinel, env);
    return { sentinel: { masterName, sentinels: [...sentinels], ...(db === undefined ? {} : { db }), ...own }, ...common };
  }
  const url = redis.url ?? (redis.urlEnv === undefined ? undefined : env[redis.urlEnv]);
  if (url === undefined) throw new Error('budgets.redis needs url, urlEnv, cluster or sentinel');
  return { url, ...common };
}

function credentials(owner: { readonly usernameEnv?: string; readonly passwordEnv?: string }, env: NodeJS.ProcessEnv): { username?: string; password?: string } {
  const username = owner.usernameEnv === undefined ? undefined : env[owner.usernameEnv];
  const password = owner.passwordEnv === undefined ? undefined : env[owner.passwordEnv];
  return { ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }) };
}

function readTls(files: NonNullable<RedisConfig['tls']>): RedisTls {
  const read = (path: string | undefined) => (path === undefined ? undefined : readFileSync(path, 'utf8'));
  const [ca, cert, key] = [read(files.ca), read(files.cert), read(files.key)];
  return { ...(ca === undefined ? {} : { ca }), ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }) };
}
