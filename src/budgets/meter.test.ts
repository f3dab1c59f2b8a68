import t from 'tap';
import type { CostEstimate } from './estimate.js';
import { usedTokens } from './meter.js';
import type { AttemptResult, RequestResult } from '../proxy/results.js';

const ESTIMATE: CostEstimate = { promptTokens: 12, promptUpperBound: 40, prompts: 1, generations: 1, maxOutput: null };

const ATTEMPT: AttemptResult = {
  pool: 'p',
  replica: 'p-r0',
  upstreamId: 'id.0.1',
  panic: false,
  outcome: 'ok',
  status: 200,
  ms: 5,
  firstByteMs: 1,
  committed: true,
  error: null,
  ttftMs: null,
  promptTokens: null,
  completionTokens: null,
  cachedPromptTokens: null,
  costNanoUsd: null,
  streamedTokens: 0,
};

function result(attempts: AttemptResult[], answer: AttemptResult | null): RequestResult {
  return {
    endpoint: 'chat',
    stream: true,
    model: 'm',
    complexity: null,
    tier: 'p',
    reason: 'fixed: p',
    attempts,
    answer,
    costNanoUsd: null,
    error: answer === null ? new Error('x') : null,
    served: 'engine',
    cache: null,
  };
}

t.test('what a request is charged, from its result', async (t) => {
  const usage = { ...ATTEMPT, promptTokens: 7, completionTokens: 3, streamedTokens: 5 };
  const noUsage = { ...ATTEMPT, ttftMs: 2, streamedTokens: 5 };
  const cutShort = { ...ATTEMPT, outcome: 'stream_interrupted', ttftMs: 2, streamedTokens: 4 };
  const failedWithAnswer = { ...ATTEMPT, outcome: 'upstream_error', status: 503, committed: false, firstByteMs: 1 };
  const neverAnswered = { ...ATTEMPT, outcome: 'upstream_unreachable', status: null, committed: false, firstByteMs: null };
  // A non-streaming answer sends nothing before generation ends: these were generating when they ended.
  const leftWhileGenerating = { ...ATTEMPT, outcome: 'client_abort', status: null, committed: false, firstByteMs: null };
  const cutByItsLimit = { ...ATTEMPT, outcome: 'generation_timeout', status: null, committed: false, firstByteMs: null };
  const stalled = { ...ATTEMPT, outcome: 'upstream_timeout', status: null, committed: false, firstByteMs: null };
  const table: [string, RequestResult, number][] = [
    ["the engine's usage when it reported it", result([usage], usage), 10],
    ['usage without completion tokens counts the prompt', result([{ ...usage, completionTokens: null }], { ...usage, completionTokens: null }), 7],
    ['no usage: the estimated prompt and the tokens streamed', result([noUsage], noUsage), 17],
    ['a stream broken after commit: the same', result([neverAnswered, cutShort], cutShort), 16],
    ['no answer, but a replica answered with an error: the estimated prompt', result([failedWithAnswer], null), 12],
    ['no replica answered at all: nothing', result([neverAnswered], null), 0],
    ['the client left while the engine generated: the estimated prompt', result([leftWhileGenerating], null), 12],
    ['a deadline or responseTimeoutMs cut the generation: the estimated prompt', result([cutByItsLimit], null), 12],
    ['a replica that did not answer in time, then one that could not be reached: nothing', result([stalled, neverAnswered], null), 0],
    ['no attempt: nothing', result([], null), 0],
  ];
  for (const [what, given, tokens] of table) t.equal(usedTokens(given, ESTIMATE), tokens, what);
});

t.test('an engine that refused the request (4xx) did no work; a whole answer cut while generating is charged as reserved', async (t) => {
  const refused = { ...ATTEMPT, outcome: 'invalid_request', status: 400, committed: false, firstByteMs: 1 };
  const throttled = { ...ATTEMPT, outcome: 'upstream_overloaded', status: 429, committed: false, firstByteMs: 1 };
  const reserved = { tokens: 2040 };
  t.equal(usedTokens(result([refused], null), ESTIMATE, reserved), 0, 'a prompt over the context, a field it rejects: nothing');
  t.equal(usedTokens(result([throttled], null), ESTIMATE, reserved), 0, 'a 429: nothing');
  const failedGeneration = { ...ATTEMPT, outcome: 'upstream_error', status: 424, committed: false, firstByteMs: 1 };
  t.equal(usedTokens(result([failedGeneration], null), ESTIMATE, reserved), 12, "TGI's 424 is a generation that failed: work, the estimated prompt");
  const whole = (attempts: AttemptResult[]): RequestResult => ({ ...result(attempts, null), stream: false });
  const left = { ...ATTEMPT, outcome: 'client_abort', status: null, committed: false, firstByteMs: null };
  const cut = { ...ATTEMPT, outcome: 'generation_timeout', status: null, committed: false, firstByteMs: null };
  t.equal(usedTokens(whole([left]), ESTIMATE, reserved), 2040, 'the client left a whole answer being generated: what was reserved');
  t.equal(usedTokens(whole([cut]), ESTIMATE, reserved), 2040, 'its time ran out: the same');
  t.equal(usedTokens(result([left], null), ESTIMATE, reserved), 12, 'a stream left before its first token: the prompt (nothing was generated to stream)');
  t.equal(usedTokens(whole([{ ...left, outcome: 'upstream_timeout' }]), ESTIMATE, reserved), 0, 'a replica that never answered: nothing');
});
