// The response cache's settings in router.yaml: per-alias blocks resolved over their defaults, the
// router-wide block, and bad values refused with path-prefixed messages.
import t from 'tap';
import { parseConfigObject } from './load.js';

const base = {
  tiers: { small: { pools: ['gpu'] } },
  pools: { gpu: { engine: 'vllm', servedModel: 'm', replicas: [{ url: 'http://gpu-0:8000/' }] } },
};

function load(extra: Record<string, unknown>, cache?: unknown) {
  return parseConfigObject({ ...base, models: { chat: { tiers: ['small'], ...(cache === undefined ? {} : { cache }) } }, ...extra }, { env: {} });
}

t.test('an alias opts in with an empty block and gets every default; others have none', async (t) => {
  const result = parseConfigObject({ ...base, models: { chat: { tiers: ['small'], cache: {} }, plain: { tiers: ['small'] } } }, { env: {} });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  t.strictSame(result.config.models['chat']?.cache, { ttlMs: 3_600_000, scope: 'key', maxEntryBytes: 1_048_576, deterministicOnly: true });
  t.notOk('cache' in result.config.models['plain']!);
  t.strictSame(result.config.cache, { store: 'memory', maxBytes: 67_108_864, lockWaitMs: 30_000 });
});

t.test('given values replace the defaults', async (t) => {
  const result = load({ cache: { maxBytes: 1000, lockWaitMs: 50 } }, { ttlMs: 60_000, scope: 'metadata:team', maxEntryBytes: 100, deterministicOnly: false });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  t.strictSame(result.config.models['chat']?.cache, { ttlMs: 60_000, scope: 'metadata:team', maxEntryBytes: 100, deterministicOnly: false });
  t.strictSame(result.config.cache, { store: 'memory', maxBytes: 1000, lockWaitMs: 50 });
});

t.test('bad values are refused, each at its path', async (t) => {
  const errors = (extra: Record<string, unknown>, cache?: unknown): string[] => {
    const result = load(extra, cache);
    return result.ok ? [] : result.errors;
  };
  t.match(errors({}, { scope: 'team' }), [/^models\.chat\.cache\.scope: /]);
  t.match(errors({}, { scope: 'metadata:' }), [/^models\.chat\.cache\.scope: /]);
  t.match(errors({}, { ttlMs: 0 }), [/^models\.chat\.cache\.ttlMs: /]);
  t.match(errors({}, { maxEntryBytes: -1 }), [/^models\.chat\.cache\.maxEntryBytes: /]);
  t.match(errors({}, { ttl: 5 }), [/^models\.chat\.cache\.ttl: unknown key/]);
  t.match(errors({ cache: { store: 'disk' } }), [/^cache\.store: /]);
  t.strictSame(errors({ cache: { store: 'redis' } }), ['cache.store: "redis" needs budgets.redis (the Redis the cache entries share with the budgets)']);
  t.strictSame(errors({ cache: { store: 'redis' }, budgets: { store: 'redis', redis: { url: 'redis://127.0.0.1:6379' } } }), []);
});
