// Decodes what the reserve and usage scripts reply: a status, the period at fault, and the key's limits
// and counters as the script saw them inside its atomic step (layout: `state()` in redis-scripts.ts).
import type { Counters } from './accounting.js';
import { StoreUnavailableError } from './store.js';
import { nanoToUsd } from '../cost/money.js';
import { PERIODS, type KeyLimits, type LimitUnit, type Period } from './types.js';

export interface ScriptState {
  /** ok, unknown_key, disabled, or the RejectReason of the limit at fault. */
  readonly status: string;
  readonly period: Period | null;
  /** Which limit of the period refused: tokens, or usd. */
  readonly unit: LimitUnit;
  readonly limits: KeyLimits;
  readonly counters: Counters;
}

export function decodeState(reply: unknown): ScriptState | 'unknown_key' {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string') throw malformed(reply);
  const status = reply[0];
  if (status === 'unknown_key') return status;
  const n = reply.slice(3).map(Number);
  if (n.length !== 27 || n.some((v) => !Number.isFinite(v))) throw malformed(reply);
  const at = (i: number): number => n[i] ?? 0;
  const limit = (i: number): number | null => (at(i) < 0 ? null : at(i));
  // The store keeps dollar limits in nano-USD; records and config say decimal USD.
  const usd = (i: number): number | null => (at(i) < 0 ? null : nanoToUsd(at(i)));
  const limits: KeyLimits = {
    tokensPerMinute: limit(0),
    tokensPerDay: limit(1),
    tokensPerMonth: limit(2),
    tokensLifetime: limit(3),
    requestsPerMinute: limit(4),
    maxConcurrent: limit(5),
    usdPerDay: usd(16),
    usdPerMonth: usd(17),
    usdLifetime: usd(18),
  };
  const pick = (first: number, offset: number): Record<Period, number> => ({
    minute: at(first + offset),
    day: at(first + 2 + offset),
    month: at(first + 4 + offset),
    lifetime: at(first + 6 + offset),
  });
  const counters: Counters = { used: pick(6, 0), reserved: pick(6, 1), usdUsed: pick(19, 0), usdReserved: pick(19, 1), requests: at(14), active: at(15) };
  // A dollar limit's refusal names its period as usd:<period>.
  const raw = typeof reply[1] === 'string' ? reply[1] : '';
  const unit: LimitUnit = raw.startsWith('usd:') ? 'usd' : 'tokens';
  const named = unit === 'usd' ? raw.slice(4) : raw;
  const period = PERIODS.find((p) => p === named) ?? null;
  return { status, period, unit, limits, counters };
}

function malformed(reply: unknown): StoreUnavailableError {
  return new StoreUnavailableError(`budget store unavailable: unexpected script reply ${JSON.stringify(reply)}`);
}
