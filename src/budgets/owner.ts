// Whose stored things a caller reaches: its stored responses, its idempotent answers and (with the
// cache's `key` scope) its cache entries. A key's id alone is not enough: an admin may delete a key and
// create another with the same id, maybe for someone else, who must not inherit the old holder's
// records. So every key the admin API creates carries a random generation of its own (keys.ts
// newGeneration), fixed for its life, and its scope names it. Keys without one keep the scope their
// records were written under before generations existed: router.yaml's keys (their id is the
// operator's: the same id in the file is the same owner, across reloads and restarts) and admin keys
// created by an older router.
import type { KeyRecord } from './types.js';

/** The scope every anonymous caller shares. */
const ANON = 'anon';

/**
 * The owner of stored responses and the cache's `key` scope: `anon` for every anonymous caller,
 * `key:<id>` for a key without a generation, `key:<id>:<generation>` otherwise. Key ids have no `:`
 * (types.ts isKeyId), so no id can spell another key's generation.
 */
export function ownerScope(key: KeyRecord | null): string {
  if (key === null) return ANON;
  return key.generation === undefined ? `key:${key.id}` : `key:${key.id}:${key.generation}`;
}

/**
 * The scope idempotency records are hashed under (src/idempotency/fingerprint.ts idempotencyId). It was
 * the bare key id before generations (and `anon` without a key), and stays so for a key without one
 * (but a key named `anon`), so a retry after an upgrade still finds what the older router kept; a key
 * with a generation has its owner scope, which has a `:` no bare id has.
 */
export function idempotencyScope(key: KeyRecord | null): string {
  if (key === null) return ANON;
  // A key whose id is `anon` would share the anonymous callers' records: it takes its owner scope.
  return key.generation === undefined && key.id !== ANON ? key.id : ownerScope(key);
}
