// Which tier and which pools serve a request. Pure: a function of the route table and the request,
// so it is table-tested and can answer dry runs.
import { RouterError } from '../openai/errors.js';
import type { InferenceRequest } from './inference-request.js';

/** A route as built at config load: an alias and the tiers it may use, each with its pools. */
export interface ModelRoute<P> {
  readonly alias: string;
  readonly tiers: readonly TierRoute<P>[];
}

export interface TierRoute<P> {
  readonly name: string;
  readonly pools: readonly P[];
}

export interface Decision<P> {
  readonly model: string;
  readonly tier: string;
  /** Pools in the order attempts should use them. */
  readonly pools: readonly P[];
  /** Short and human, for the `x-switchyard-reason` header. */
  readonly reason: string;
}

export function decide<P>(routes: ReadonlyMap<string, ModelRoute<P>>, request: InferenceRequest): Decision<P> {
  const route = routes.get(request.model);
  if (route === undefined) {
    const known = [...routes.keys()].join(', ');
    throw new RouterError(
      'model_not_found',
      `The model \`${request.model}\` does not exist. Known models: ${known}.`,
      { param: 'model' },
    );
  }
  // Without classification an alias is served by its first tier.
  const tier = route.tiers[0];
  if (tier === undefined) throw new Error(`route ${route.alias} has no tier`);
  return { model: route.alias, tier: tier.name, pools: tier.pools, reason: `fixed: ${tier.name}` };
}
