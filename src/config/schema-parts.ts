// Building blocks shared by the router.yaml schema's sections: enumerations, name patterns, and
// small constructors for common kinds of setting.

import type { BalanceStrategy, EngineName, LogLevel, SimFlavour } from './types.js';

export const ENGINES: readonly EngineName[] = ['vllm', 'tgi', 'openai', 'azure', 'anthropic', 'sim'];
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const BALANCE_STRATEGIES: readonly BalanceStrategy[] = ['load-aware', 'least-in-flight', 'round-robin'];
export const SIM_FLAVOURS: readonly SimFlavour[] = ['vllm', 'tgi'];

/** Model aliases are echoed in a response header: printable ASCII, no spaces. */
export const MODEL_NAME_PATTERN = '^[!-~]+$';
/** Names that end up in headers, metric labels and default replica names. */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*$';
export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
/** Key ids name Redis hash tags, so they are kept to a safe alphabet. */
export const KEY_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
export const SHA256_PATTERN = '^[0-9a-f]{64}$';

/**
 * The longest delay node's timers hold (2^31 - 1 ms, about 24.8 days): a longer one fires after 1 ms,
 * so a timeout set past it would cut every request at once. Every duration a timer waits is held to it.
 */
export const MAX_TIMER_MS = 2_147_483_647;

export const milliseconds = (description: string, defaultValue: number) =>
  ({ type: 'integer', minimum: 1, maximum: MAX_TIMER_MS, default: defaultValue, description: `${description} (milliseconds)` }) as const;

/** How long something is kept (a TTL): compared with clocks, never waited for by a timer, so not held to MAX_TIMER_MS. */
export const lifetime = (description: string, defaultValue: number) =>
  ({ type: 'integer', minimum: 1, default: defaultValue, description: `${description} (milliseconds)` }) as const;

/** Durations that may be 0 to turn a periodic activity off. */
export const interval = (description: string) => ({ type: 'integer', minimum: 0, maximum: MAX_TIMER_MS, description: `${description} (milliseconds; 0 turns it off)` }) as const;

/** A duration a timer waits that may be 0 (a backoff). */
export const delay = (description: string, defaultValue: number) =>
  ({ type: 'integer', minimum: 0, maximum: MAX_TIMER_MS, default: defaultValue, description: `${description} (milliseconds)` }) as const;
export const count = (description: string, defaultValue: number, minimum = 1) => ({ type: 'integer', minimum, default: defaultValue, description }) as const;
export const share = (description: string, defaultValue: number) => ({ type: 'number', minimum: 0, maximum: 1, default: defaultValue, description }) as const;

export const nameList = (what: string, description: string) =>
  ({
    type: 'array',
    minItems: 1,
    uniqueItems: true,
    items: { type: 'string', minLength: 1, description: `Name of a ${what}.` },
    description,
  }) as const;
