// Which tier serves a request, and why. Pure: a function of the route and what is known about the
// request (its classification, a pinned tier), so it is table-tested and answers dry runs.
import { knownModels, visibleModels } from './known-models.js';
import { formatReason, type Classification, type Complexity } from '../classify/classification.js';
import { clipClientText } from '../openai/client-text.js';
import { RouterError } from '../openai/errors.js';

/** A model alias as built at config load. */
export interface ModelRoute<P> {
  readonly alias: string;
  /** The tiers it may use; the first serves when it is not classified. */
  readonly tiers: readonly TierRoute<P>[];
  readonly classify: boolean;
  readonly route: Readonly<Record<Complexity, TierRoute<P>>>;
  readonly allowTierHeader: boolean;
}

/** A tier with its pools in fallback order and, resolved at load, the tier it spills to. */
export interface TierRoute<P> {
  readonly name: string;
  readonly pools: readonly P[];
  readonly spillTo: TierRoute<P> | null;
}

export interface DecisionInputs {
  /** The request's class, when its alias classifies and no tier was pinned. */
  readonly classification: Classification | null;
  /** The `x-switchyard-tier` header, when the client sent one. */
  readonly pinnedTier: string | null;
  /** The share of its budget the client's key has used, when past the degrade threshold. */
  readonly budgetPressure?: number | null;
}

export interface Decision<P> {
  readonly model: string;
  /** The tier chosen; attempts may still spill from it along `spillTo`. */
  readonly tier: TierRoute<P>;
  readonly complexity: Complexity | null;
  /** Short, ASCII and human, for the `x-switchyard-reason` header. */
  readonly reason: string;
}

/** `allowed`: the aliases the caller's key may use (null: any), the only ones an unknown model's message names. */
export function findRoute<P>(routes: ReadonlyMap<string, ModelRoute<P>>, model: string, allowed: readonly string[] | null = null): ModelRoute<P> {
  const route = routes.get(model);
  if (route !== undefined) return route;
  const known = knownModels(visibleModels([...routes.keys()], allowed));
  throw new RouterError('model_not_found', `The model \`${clipClientText(model)}\` does not exist. Known models: ${known}.`, { param: 'model' });
}

export function decide<P>(route: ModelRoute<P>, inputs: DecisionInputs): Decision<P> {
  const first = route.tiers[0];
  if (first === undefined) throw new Error(`route ${route.alias} has no tier`);
  if (inputs.pinnedTier !== null) {
    const pinned = checkPin(route, inputs.pinnedTier);
    return { model: route.alias, tier: pinned, complexity: inputs.classification?.complexity ?? null, reason: `pinned: ${pinned.name}` };
  }
  if (route.classify && inputs.classification !== null) {
    const { complexity } = inputs.classification;
    const tier = route.route[complexity];
    const pressure = inputs.budgetPressure ?? null;
    // A key close to its budget gets the cheapest tier for classified requests.
    if (pressure !== null && tier !== first) {
      return { model: route.alias, tier: first, complexity, reason: `budget: ${Math.floor(pressure * 100)}% used` };
    }
    return { model: route.alias, tier, complexity, reason: formatReason(inputs.classification) };
  }
  return { model: route.alias, tier: first, complexity: null, reason: `fixed: ${first.name}` };
}

/** A pin is honoured only where router.yaml allows it, and only to one of the alias's tiers. */
export function checkPin<P>(route: ModelRoute<P>, tierName: string): TierRoute<P> {
  if (!route.allowTierHeader) {
    throw new RouterError('invalid_request', `The x-switchyard-tier header is not allowed for model \`${route.alias}\`.`);
  }
  const tier = route.tiers.find((candidate) => candidate.name === tierName);
  if (tier === undefined) {
    const names = route.tiers.map((candidate) => candidate.name).join(', ');
    // The header is client text (up to server.maxHeaderBytes): echoed bounded, like an unknown model.
    throw new RouterError('invalid_request', `Tier \`${clipClientText(tierName)}\` is not one of model \`${route.alias}\`'s tiers (${names}).`);
  }
  return tier;
}

/** The tier and the tiers it spills to, in order (the config loader rules out cycles). */
export function spillChain<P>(tier: TierRoute<P>): TierRoute<P>[] {
  const chain: TierRoute<P>[] = [];
  for (let next: TierRoute<P> | null = tier; next !== null && !chain.includes(next); next = next.spillTo) chain.push(next);
  return chain;
}
