// Which tier serves a request, and the tiers to spill to. Pure: a function of the route table and
// the request, so it is table-tested and can answer dry runs.
import { RouterError } from '../openai/errors.js';
import type { InferenceRequest } from './inference-request.js';

/** A route as built at config load: an alias and the tiers it may use. */
export interface ModelRoute<P> {
  readonly alias: string;
  readonly tiers: readonly TierRoute<P>[];
}

/** A tier with its pools in fallback order and, resolved at load, the tier it spills to. */
export interface TierRoute<P> {
  readonly name: string;
  readonly pools: readonly P[];
  readonly spillTo: TierRoute<P> | null;
}

export interface Decision<P> {
  readonly model: string;
  /** The tier chosen; attempts may still spill from it along `spillTo`. */
  readonly tier: TierRoute<P>;
  /** Short, ASCII and human, for the `x-switchyard-reason` header. */
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
  return { model: route.alias, tier, reason: `fixed: ${tier.name}` };
}

/** The tier and the tiers it spills to, in order (the config loader rules out cycles). */
export function spillChain<P>(tier: TierRoute<P>): TierRoute<P>[] {
  const chain: TierRoute<P>[] = [];
  for (let next: TierRoute<P> | null = tier; next !== null && !chain.includes(next); next = next.spillTo) chain.push(next);
  return chain;
}
