// Decodes what the reserve and usage scripts reply: a status, the period at fault, and the key's limits
// and counters as the script saw them inside its atomic step (layout: `state()` in redis-scripts.ts).
import type { Counters } from './accounting.js';
import { StoreUnavailableError } from './store.js';
import { PERIODS, type KeyLimits, type Period } from './types.js';

export interface ScriptState {
  /** ok, unknown_key, disabled, or the RejectReason of the limit at fault. */
  readonly status: string;
  readonly period: Period | null;
  readonly limits: KeyLimits;
  readonly counters: Counters;
}

export function decodeState(reply: unknown): ScriptState | 'unknown_key' {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string') throw malformed(reply);
  const status = reply[0];
  if (status === 'unknown_key') return status;
  const n = reply.slice(3).map(Number);
  if (n.length !== 16 || n.some((v) => !Number.isFinite(v))) throw malformed(reply);
  const at = (i: number): number => n[i] ?? 0;
  const limit = (i: number): number | null => (at(i) < 0 ? null : at(i));
  const limits: KeyLimits = {
    tokensPerMinute: limit(0),
    tokensPerDay: limit(1),
    tokensPerMonth: limit(2),
    tokensLifetime: limit(3),
    requestsPerMinute: limit(4),
    maxConcurrent: limit(5),
  };
  const pick = (offset: number): Record<Period, number> => ({ minute: at(6 + offset), day: at(8 + offset), month: at(10 + offset), lifetime: at(12 + offset) });
  const counters: Counters = { used: pick(0), reserved: pick(1), requests: at(14), active: at(15) };
  const period = PERIODS.find((p) => p === reply[1]) ?? null;
  return { status, period, limits, counters };
}

function malformed(reply: unknown): StoreUnavailableError {
  return new StoreUnavailableError(`budget store unavailable: unexpected script reply ${JSON.stringify(reply)}`);
}
