import t from 'tap';
import { extractUsage, withUsageMember } from './usage.js';

// Usage objects as each engine writes them (sources in usage.ts's header).
t.test('OpenAI: cached and cache-write tokens are parts of prompt_tokens', async (t) => {
  const body =
    '{"id":"chatcmpl-1","object":"chat.completion","choices":[],"usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,' +
    '"prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0,"cache_write_tokens":64},"completion_tokens_details":{"reasoning_tokens":0}}}';
  t.strictSame(extractUsage(body), { promptTokens: 2006, completionTokens: 300, cachedTokens: 1920, cacheWriteTokens: 64 });
});

t.test('vLLM without --enable-prompt-tokens-details: prompt_tokens_details is null, so nothing is known about caching', async (t) => {
  const body = '{"id":"cmpl-1","object":"chat.completion","choices":[],"usage":{"prompt_tokens":12,"total_tokens":19,"completion_tokens":7,"prompt_tokens_details":null}}';
  t.strictSame(extractUsage(body), { promptTokens: 12, completionTokens: 7, cachedTokens: null, cacheWriteTokens: null });
});

t.test('vLLM with prompt tokens details: cached_tokens read, cache writes unknown', async (t) => {
  const body = '{"usage":{"prompt_tokens":12,"total_tokens":19,"completion_tokens":7,"prompt_tokens_details":{"cached_tokens":0}}}';
  t.strictSame(extractUsage(body), { promptTokens: 12, completionTokens: 7, cachedTokens: 0, cacheWriteTokens: null });
});

t.test('TGI: prompt, completion and total only', async (t) => {
  const body =
    '{"object":"chat.completion","id":"","created":1,"model":"m","system_fingerprint":"3.3.6-native","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}';
  t.strictSame(extractUsage(body), { promptTokens: 10, completionTokens: 5, cachedTokens: null, cacheWriteTokens: null });
});

t.test('a malformed cached count is not reported rather than trusted', async (t) => {
  t.strictSame(extractUsage('{"usage":{"prompt_tokens":4,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":-3}}}')?.cachedTokens, null);
  t.strictSame(extractUsage('{"usage":{"prompt_tokens":4,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":"2"}}}')?.cachedTokens, null);
});

// A hostile or broken engine's counts must never make a cost negative, NaN or infinite, nor a counter go down.
t.test('counts that are no token counts make no usage: negative, infinite (1e400 parses to Infinity), past a billion', async (t) => {
  for (const prompt of ['-5', '1e400', '-1e400', '1e300', '1000000001']) {
    t.equal(extractUsage(`{"usage":{"prompt_tokens":${prompt},"completion_tokens":3}}`), null, `prompt_tokens ${prompt}`);
  }
  for (const completion of ['-1', '1e400', '1e300']) {
    t.equal(extractUsage(`{"usage":{"prompt_tokens":4,"completion_tokens":${completion}}}`), null, `completion_tokens ${completion}`);
  }
  t.strictSame(
    extractUsage('{"usage":{"prompt_tokens":4,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":1e400}}}')?.cachedTokens,
    null,
    'an infinite cached count is not reported',
  );
});

t.test('fractional counts are rounded; parts of the prompt larger than the prompt are clamped to it', async (t) => {
  t.strictSame(extractUsage('{"usage":{"prompt_tokens":4.6,"completion_tokens":1.2}}'), { promptTokens: 5, completionTokens: 1, cachedTokens: null, cacheWriteTokens: null });
  t.strictSame(extractUsage('{"usage":{"prompt_tokens":10,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":50,"cache_write_tokens":7}}}'), {
    promptTokens: 10,
    completionTokens: 1,
    cachedTokens: 10,
    cacheWriteTokens: 0,
  });
  t.strictSame(extractUsage('{"usage":{"prompt_tokens":10,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":6,"cache_write_tokens":7}}}'), {
    promptTokens: 10,
    completionTokens: 1,
    cachedTokens: 6,
    cacheWriteTokens: 4,
  });
});

t.test('a "usage" string after the usage object (vLLM prompt_logprobs decoding a token as it) is no key: the object before it is read', async (t) => {
  // vLLM's field order (ChatCompletionResponse: …, usage, prompt_logprobs, …), a prompt token that decodes to "usage".
  const body =
    '{"id":"chatcmpl-1","object":"chat.completion","choices":[],"usage":{"prompt_tokens":1000,"completion_tokens":1,"total_tokens":1001},' +
    '"prompt_logprobs":[null,{"17456":{"logprob":-1.5,"rank":1,"decoded_token":"usage"}}]}';
  t.strictSame(extractUsage(body), { promptTokens: 1000, completionTokens: 1, cachedTokens: null, cacheWriteTokens: null });
  t.equal(withUsageMember(body, 'cost', '0.5'), body.replace('"total_tokens":1001}', '"total_tokens":1001,"cost":0.5}'));
  t.equal(extractUsage('{"usage":null,"note":"usage"}'), null, 'usage null is none, whatever follows');
});
