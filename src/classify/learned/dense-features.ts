// The learned classifier's dense features: their names in weight order and the evidence word each
// reports. extractFeatures (features.ts) and the n-gram loop (ngrams.ts) write them by name.

/**
 * Dense features and the evidence word each reports. Signals are scaled to 0..1 by their ranges
 * (signals.ts); `shape.*` are counted by the n-gram loop itself; buckets are one-hot. `bias` marks
 * the constant term and the buckets almost every request is in: never named as evidence.
 */
export const DENSE_FEATURES = [
  ['length', 'length'],
  ['sentences', 'sentences'],
  ['questions', 'questions'],
  ['explain', 'explain'],
  ['givenText', 'given-text'],
  ['lists', 'lists'],
  ['code', 'code'],
  ['math', 'math'],
  ['multiStep', 'multi-step'],
  ['constraints', 'constraints'],
  ['creative', 'creative'],
  ['longOutput', 'long-output'],
  ['shortChat', 'short-chat'],
  ['shape.lines', 'length'],
  ['shape.numbers', 'numbers'],
  ['shape.questionMarks', 'questions'],
  ['shape.codePunctuation', 'code'],
  ['shape.backticks', 'code'],
  ['shape.mathMarks', 'math'],
  ['shape.wideScript', 'words'],
  ['shape.fenceOrTrace', 'code'],
  ['shape.latex', 'math'],
  ['chars<16', 'short'],
  ['chars<32', 'short'],
  ['chars<64', 'short'],
  ['chars<128', 'length'],
  ['chars<256', 'length'],
  ['chars<512', 'length'],
  ['chars<1024', 'length'],
  ['chars<2048', 'length'],
  ['chars<4096', 'long-prompt'],
  ['chars>=4096', 'long-prompt'],
  ['userTurns=1', 'bias'],
  ['userTurns=2', 'context'],
  ['userTurns=3', 'context'],
  ['userTurns>=4', 'context'],
  ['contextCode', 'context'],
  ['contextMath', 'context'],
  ['contextMultiStep', 'context'],
  ['contextCreative', 'context'],
  ['contextLongOutput', 'context'],
  ['repliesCode', 'context'],
  ['repliesMath', 'context'],
  ['system', 'system'],
  ['systemCode', 'system'],
  ['systemMath', 'system'],
  ['contextChars=0', 'bias'],
  ['contextChars<512', 'context'],
  ['contextChars<2048', 'context'],
  ['contextChars<8192', 'context'],
  ['contextChars>=8192', 'long-context'],
  ['tools', 'tools'],
  ['toolTurns', 'tools'],
  ['jsonSchema', 'json-schema'],
  ['jsonObject', 'json-schema'],
  ['maxTokens=none', 'bias'],
  ['maxTokens<=64', 'short-output'],
  ['maxTokens<=256', 'short-output'],
  ['maxTokens<=1024', 'max-tokens'],
  ['maxTokens<=4096', 'max-tokens'],
  ['maxTokens>4096', 'long-output'],
  ['bias', 'bias'],
] as const satisfies readonly (readonly [string, string])[];

export type DenseName = (typeof DENSE_FEATURES)[number][0];
export const DENSE_NAMES: readonly string[] = DENSE_FEATURES.map(([name]) => name);
/** Each dense feature's index among the dense rows, by name. */
export const DENSE_INDEX = Object.fromEntries(DENSE_FEATURES.map(([name], index) => [name, index])) as Record<DenseName, number>;
