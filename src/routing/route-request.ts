// From a parsed request to a routing decision: the alias's route, a pinned tier or the request's
// class, then the pure decision. Shared by inference and the admin dry run.
import type { Pool } from '../pools/pool.js';
import type { Runtime } from '../runtime.js';
import { checkPin, decide, findRoute, type Decision } from './decide.js';
import type { InferenceRequest } from './inference-request.js';
import type { Classification } from '../classify/classification.js';

export interface RoutedDecision extends Decision<Pool> {
  /** The classification behind the decision, when the alias classifies and no tier was pinned. */
  readonly classification: Classification | null;
}

export async function route(runtime: Runtime, request: InferenceRequest, tierHeader: string, budgetPressure: number | null = null): Promise<RoutedDecision> {
  const modelRoute = findRoute(runtime.routes, request.model);
  const pinnedTier = tierHeader === '' ? null : tierHeader;
  // A pin is checked before anything is classified: a refused pin costs nothing.
  if (pinnedTier !== null) checkPin(modelRoute, pinnedTier);
  const classification = pinnedTier === null && modelRoute.classify ? await runtime.classifier.classify(request.body) : null;
  return { ...decide(modelRoute, { classification, pinnedTier, budgetPressure }), classification };
}
