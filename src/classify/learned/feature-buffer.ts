// The buffer one request's features are written into, sized once from the reading window so that the
// hot path allocates nothing, and the value each hashed occurrence carries.
import type { WindowLimits } from '../text-window.js';
import { DENSE_FEATURES } from './dense-features.js';
import { HASHED_GROUPS, type FeatureSpec } from './feature-layout.js';

/** The reading window: a shorter head than the heuristic's, since n-grams of a long pasted text say little. */
export const FEATURE_WINDOW: WindowLimits = { headChars: 3072, tailChars: 1024, contextChars: 2048, contextMessages: 6 };
const GAP_CHARS = 5;

/** Upper bounds on what one extraction writes, from the window sizes. */
const MAX_LAST_CHARS = FEATURE_WINDOW.headChars + FEATURE_WINDOW.tailChars + GAP_CHARS;
const MAX_TURN_CHARS = Math.ceil(FEATURE_WINDOW.contextChars / FEATURE_WINDOW.contextMessages) + GAP_CHARS + 2;
const MAX_CONTEXT_CHARS = FEATURE_WINDOW.contextMessages * MAX_TURN_CHARS + MAX_TURN_CHARS;
/** Per character of the last turn: 3 character n-grams, a unigram and a bigram; 3 positions; 1 per context character. */
const CAPACITY = 5 * (MAX_LAST_CHARS + 1) + 3 + MAX_CONTEXT_CHARS + 16;

/** One request's features: hashed rows (with their group) and dense values; reused between requests. */
export class FeatureBuffer {
  readonly rows = new Int32Array(CAPACITY);
  readonly groups = new Uint8Array(CAPACITY);
  length = 0;
  /** Occurrences per hashed group, for the group's per-occurrence value. */
  readonly counts = new Float64Array(HASHED_GROUPS.length);
  readonly dense = new Float64Array(DENSE_FEATURES.length);
  /** Characters the n-gram loops read (tests check that a huge prompt stays bounded). */
  visited = 0;
  /**
   * Per hashed group and class, the sum of its rows' weights that the n-gram loop took itself (see
   * `table`); the rows left in `rows` are to be added to them.
   */
  readonly sums = new Float64Array(HASHED_GROUPS.length * 3);

  /**
   * With the weight table (rows × 3), the last turn's character n-grams and words are summed as
   * they are found and not stored (prediction); without it every row is stored (training, tests).
   */
  constructor(readonly table: Float32Array | null = null) {}

  reset(): void {
    this.length = 0;
    this.counts.fill(0);
    this.dense.fill(0);
    this.sums.fill(0);
    this.visited = 0;
  }

  /** Adds one group's three class sums (its rows' weights, summed in row order). */
  addSums(group: number, simple: number, moderate: number, complex: number): this {
    const g = group * 3;
    this.sums[g] = (this.sums[g] ?? 0) + simple;
    this.sums[g + 1] = (this.sums[g + 1] ?? 0) + moderate;
    this.sums[g + 2] = (this.sums[g + 2] ?? 0) + complex;
    return this;
  }

  push(row: number, group: number): void {
    const i = this.length++;
    this.rows[i] = row;
    this.groups[i] = group;
    this.counts[group] = (this.counts[group] ?? 0) + 1;
  }
}

/** The value of each occurrence of a hashed group's features: its scale over the root of its count. */
export function groupValue(spec: FeatureSpec, buffer: FeatureBuffer, group: number): number {
  const count = buffer.counts[group] ?? 0;
  return count > 0 ? (spec.groupScales[group] ?? 0) / Math.sqrt(count) : 0;
}
