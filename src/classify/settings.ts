// The heuristic's knobs, with defaults tuned on the public dev set (test/fixtures/complexity). The
// router exposes them in router.yaml; every weight is "points per unit of evidence", and the class
// comes from comparing the summed points with the two thresholds.

/** A signal's weight key (camelCase, as in router.yaml) and the reason word it reports. */
export const SIGNAL_REASONS = {
  length: 'length',
  sentences: 'sentences',
  questions: 'questions',
  explain: 'explain',
  givenText: 'given-text',
  lists: 'lists',
  code: 'code',
  math: 'math',
  multiStep: 'multi-step',
  constraints: 'constraints',
  creative: 'creative',
  longOutput: 'long-output',
  shortOutput: 'short-output',
  shortChat: 'short-chat',
  tools: 'tools',
  jsonSchema: 'json-schema',
  context: 'context',
} as const;

export type SignalName = keyof typeof SIGNAL_REASONS;

export type HeuristicWeights = Readonly<Record<SignalName, number>>;

export interface HeuristicSettings {
  /**
   * Points per unit of each signal's evidence (evidence ranges are documented in signals.ts).
   * Request-level signals have evidence 1 when present: `tools` (tools offered, or tool turns in
   * the thread), `jsonSchema` (0.5 for json_object), `shortOutput` (max_tokens ≤ maxTokens.short).
   * `context` multiplies the topic points (code, maths, multi-step, creative, long-output) of the
   * user's earlier turns, of code and LaTeX in replies, and a quarter of the system prompt's,
   * capped at complexFrom: at 1, a follow-up in a thread that was complex is complex too.
   */
  readonly weights: HeuristicWeights;
  /**
   * score < simpleBelow → simple; score ≥ complexFrom → complex; moderate in between. Effort
   * signals (length, sentences, questions, explain, given text, lists) show that a request is more
   * than small talk but not that it is hard, so together they add at most effortCap points: set it
   * below complexFrom and they alone never make a request complex.
   */
  readonly thresholds: { readonly simpleBelow: number; readonly complexFrom: number; readonly effortCap: number };
  /** Length evidence is log2(effective chars / floorChars), at most capDoublings. */
  readonly length: { readonly floorChars: number; readonly capDoublings: number };
  /** `max_tokens` (or `max_completion_tokens`) at or below `short` asks for a short answer; at or above `long`, a long one. */
  readonly maxTokens: { readonly short: number; readonly long: number };
  /**
   * How much text is read, whatever the request's size: the head and tail of the last user turn,
   * and from each of the `contextMessages` most recent other turns (and the system prompt) a slice
   * of contextChars / contextMessages characters. Lengths come from string lengths alone, so a
   * 4 MB prompt costs about the same as an 8 KB one.
   */
  readonly window: {
    readonly headChars: number;
    readonly tailChars: number;
    readonly contextChars: number;
    readonly contextMessages: number;
  };
}

export const DEFAULT_HEURISTIC_SETTINGS: HeuristicSettings = deepFreeze({
  weights: {
    length: 0.5,
    sentences: 0.15,
    questions: 0.2,
    explain: 1,
    givenText: 0.6,
    lists: 0.15,
    code: 1.2,
    math: 1.2,
    multiStep: 1,
    constraints: 0.4,
    creative: 1,
    longOutput: 1.2,
    shortOutput: -1,
    shortChat: -3,
    tools: 1.2,
    jsonSchema: 1,
    context: 1,
  },
  thresholds: { simpleBelow: 1, complexFrom: 2.5, effortCap: 1.5 },
  length: { floorChars: 40, capDoublings: 3 },
  maxTokens: { short: 64, long: 4096 },
  window: { headChars: 6144, tailChars: 2048, contextChars: 4096, contextMessages: 6 },
});

export interface HeuristicOverrides {
  readonly weights?: Partial<HeuristicWeights>;
  readonly thresholds?: Partial<HeuristicSettings['thresholds']>;
  readonly length?: Partial<HeuristicSettings['length']>;
  readonly maxTokens?: Partial<HeuristicSettings['maxTokens']>;
  readonly window?: Partial<HeuristicSettings['window']>;
}

/** Defaults overlaid with what router.yaml sets; done once at config load, not per request. */
export function resolveHeuristicSettings(overrides: HeuristicOverrides = {}, base: HeuristicSettings = DEFAULT_HEURISTIC_SETTINGS): HeuristicSettings {
  return deepFreeze({
    weights: overlay(base.weights, overrides.weights),
    thresholds: overlay(base.thresholds, overrides.thresholds),
    length: overlay(base.length, overrides.length),
    maxTokens: overlay(base.maxTokens, overrides.maxTokens),
    window: overlay(base.window, overrides.window),
  });
}

/** The base with the override's defined numbers (an absent or undefined key keeps the base value). */
function overlay<T extends Readonly<Record<string, number>>>(base: T, override: Partial<T> | undefined): T {
  const result: Record<string, number> = { ...base };
  for (const [key, value] of Object.entries(override ?? {})) if (typeof value === 'number') result[key] = value;
  return result as T;
}

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) if (typeof inner === 'object' && inner !== null) Object.freeze(inner);
  return Object.freeze(value);
}
