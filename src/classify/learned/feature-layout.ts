// How the learned classifier's features are laid out as rows of the weight matrix: the spec stored
// with the weights, the hashed groups and their namespaces, and where the dense features start.
import { DENSE_NAMES } from './dense-features.js';

/** How the features are laid out; stored with the weights, which are only valid for the same layout. */
export interface FeatureSpec {
  /** Names the extraction code (features.ts, ngrams.ts); a model made for another feature set is refused. */
  readonly featureSet: string;
  /** 2^textBits buckets for the last user turn's n-grams. */
  readonly textBits: number;
  /** 2^contextBits buckets for the words of the other turns and the system prompt. */
  readonly contextBits: number;
  /** Per hashed group (HASHED_GROUPS order): the group's vector is scaled to this L2-like norm. */
  readonly groupScales: readonly number[];
  /** Whether the heuristic's signals (signals.ts) are computed; without them their features stay 0. */
  readonly signals: boolean;
  /** Dense feature names in weight order (DENSE_FEATURES). */
  readonly dense: readonly string[];
}

export const FEATURE_SET = 'complexity-features-v2';

/** Hashed groups; each gets the value scale / sqrt(occurrences) per occurrence. */
export const HASHED_GROUPS = ['chars', 'words', 'position', 'context', 'replies', 'system'] as const;
export const CHARS_GROUP = 0;
export const WORDS_GROUP = 1;
export const POSITION_GROUP = 2;
export const CONTEXT_GROUP = 3;
export const REPLIES_GROUP = 4;
export const SYSTEM_GROUP = 5;
/** Groups 0–2 hash into the text namespace, 3–5 into the context namespace. */
export const FIRST_CONTEXT_GROUP = CONTEXT_GROUP;

/** The evidence word each hashed group reports. */
export const HASHED_REASONS: readonly string[] = ['words', 'words', 'words', 'context', 'context', 'system'];

export function defaultFeatureSpec(overrides: Partial<Pick<FeatureSpec, 'textBits' | 'contextBits' | 'groupScales' | 'signals'>> = {}): FeatureSpec {
  return {
    featureSet: FEATURE_SET,
    textBits: overrides.textBits ?? 15,
    contextBits: overrides.contextBits ?? 13,
    groupScales: overrides.groupScales ?? [1, 1, 0.5, 0.7, 0.5, 0.5],
    signals: overrides.signals ?? false,
    dense: DENSE_NAMES,
  };
}

/** Rows of the weight matrix: text buckets, then context buckets, then dense features. */
export function rowCount(spec: FeatureSpec): number {
  return (1 << spec.textBits) + (1 << spec.contextBits) + spec.dense.length;
}

export function denseOffset(spec: FeatureSpec): number {
  return (1 << spec.textBits) + (1 << spec.contextBits);
}
