// What the koa layer shares between middleware: the per-request record, and the live router state.
import type { ParameterizedContext, Middleware } from 'koa';
import type { KeyRecord } from '../budgets/types.js';
import type { RequestRecord } from '../observability/request-record.js';
import type { AbortSwitch } from '../proxy/abort-switch.js';
import type { Roster } from '../roster.js';
import type { Runtime } from '../runtime.js';

export interface AppState {
  record: RequestRecord;
  /** The caller's API key; null for an anonymous caller. */
  key: KeyRecord | null;
}

export type AppContext = ParameterizedContext<AppState>;
export type AppMiddleware = Middleware<AppState>;

/** The runtime in force and the process's lifecycle; a reload swaps `runtime` in one assignment. */
export interface RouterState {
  runtime: Runtime;
  draining: boolean;
  /** The lifetimes of the inference requests in flight, so a shutdown that runs out of grace can end them as such. */
  readonly inFlight: Roster<AbortSwitch>;
}
