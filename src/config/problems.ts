// How the cross-checks (references.ts, check-pools.ts) report: every problem at its config path,
// and the one rule for two settings that must be ordered.
import { formatPath } from './validate.js';

export type Path = readonly (string | number)[];

export class Problems {
  readonly list: string[] = [];
  add(path: Path, message: string): void {
    this.list.push(`${formatPath(path)}: ${message}`);
  }
}

/** One of two settings that must be ordered: its path, its resolved value and where a default came from. */
export interface Bound {
  readonly path: Path;
  readonly value: number;
  /** Undefined when the value was written in the file; otherwise how the default is described. */
  readonly defaulted?: string;
}

export const bound = (path: Path, value: number, given: unknown, defaulted = 'by default'): Bound => (given === undefined ? { path, value, defaulted } : { path, value });

/**
 * `low` must not exceed `high` (or, when `strict`, must stay below it). The problem is reported at
 * the setting the file actually wrote (the low one when both are written), naming the other one
 * and whether its value is a default.
 */
export function checkOrder(low: Bound, high: Bound, strict: boolean, problems: Problems): void {
  if (strict ? low.value < high.value : low.value <= high.value) return;
  const other = (b: Bound) => `${formatPath(b.path)} is ${b.value}${b.defaulted === undefined ? '' : ` ${b.defaulted}`}`;
  if (low.defaulted === undefined || high.defaulted !== undefined) {
    const relation = strict ? 'must be less than' : 'must not exceed';
    problems.add(low.path, `${relation} ${formatPath(high.path)} (got ${low.value}; ${other(high)})`);
  } else {
    const relation = strict ? 'must be greater than' : 'must not be less than';
    problems.add(high.path, `${relation} ${formatPath(low.path)} (got ${high.value}; ${other(low)})`);
  }
}
