// What a cached answer's key says of the tier the plan chose: its name and the models its pools
// serve. A reload that changes which model a tier serves (its pools, or a pool's servedModel) then
// misses the answers of the model it replaced, instead of serving them for ttlMs.
import type { Pool } from '../pools/pool.js';
import type { PlannedTier } from '../routing/plan.js';

/** A plan's tier is the runtime's own route object, made once per config: so is its identity. */
const identities = new WeakMap<PlannedTier<Pool>, string>();

export function tierIdentity(tier: PlannedTier<Pool>): string {
  let identity = identities.get(tier);
  if (identity === undefined) {
    identity = `${tier.name}=${tier.pools.map((pool) => `${pool.config.engine}:${pool.config.servedModel}`).join('+')}`;
    identities.set(tier, identity);
  }
  return identity;
}
