// Which opening and closing chat chunks skip the parse: only the ones that say nothing but "the answer
// starts" or "it finished for this reason"; anything more (usage, an error, another choice, content)
// and they are parsed.
import t from 'tap';
import { isPlainOpening, plainFinishReason } from './plain-ends.js';

const HEAD = '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,';
const TAIL = ',"logprobs":null,"finish_reason":null}],"usage":null}';

t.test('the opening chunk', (t) => {
  t.ok(isPlainOpening(`${HEAD}"delta":{"role":"assistant","content":""}${TAIL}`), "vLLM's");
  t.ok(isPlainOpening(`${HEAD}"delta":{"role":"assistant"}${TAIL}`), 'role only');
  t.ok(isPlainOpening(`${HEAD}"delta":{"role":"assistant","content":""},"finish_reason":null}]}`), 'no usage member');
  const parsed: [string, string][] = [
    ['with content', `${HEAD}"delta":{"role":"assistant","content":"Hi"}${TAIL}`],
    ['with a refusal member', `${HEAD}"delta":{"role":"assistant","content":"","refusal":null}${TAIL}`],
    ['already finished', `${HEAD}"delta":{"role":"assistant","content":""},"finish_reason":"stop"}]}`],
    ['with usage', `${HEAD}"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":{"prompt_tokens":1}}`],
    ['usage before the choices', `{"usage":{"prompt_tokens":1},"choices":[{"index":0,"delta":{"role":"assistant"}}]}`],
    ['another choice after', `${HEAD}"delta":{"role":"assistant"}},{"index":1,"delta":{"content":"x"}}]}`],
    ['another choice before', `{"choices":[{"index":1,"delta":{"content":"x"}},{"index":0,"delta":{"role":"assistant"}}]}`],
    ['an error', '{"error":{"message":"x"},"choices":[{"delta":{"role":"assistant"}}]}'],
    ['a content chunk', `${HEAD}"delta":{"content":"x"}${TAIL}`],
  ];
  for (const [name, data] of parsed) t.notOk(isPlainOpening(data), name);
  t.end();
});

t.test('the closing chunk', (t) => {
  t.equal(plainFinishReason(`${HEAD}"delta":{},"logprobs":null,"finish_reason":"length","stop_reason":null}],"usage":null}`), 'length', "vLLM's");
  t.equal(plainFinishReason(`${HEAD}"delta":{},"finish_reason":"tool_calls"}]}`), 'tool_calls');
  const parsed: [string, string][] = [
    ['no finish reason', `${HEAD}"delta":{}${TAIL}`],
    ['a reason with an escape', `${HEAD}"delta":{},"finish_reason":"st\\u006fp"}]}`],
    ['usage after', `${HEAD}"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":1}}`],
    ['usage before', `{"usage":{"prompt_tokens":1},"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`],
    ['another choice after', `${HEAD}"delta":{},"finish_reason":"stop"},{"index":1,"delta":{},"finish_reason":"length"}]}`],
    ['another finish reason after', `${HEAD}"delta":{},"finish_reason":"stop"},{"index":1,"finish_reason":"length"}]}`],
    ['the reason before the delta', `{"choices":[{"index":0,"finish_reason":"stop","delta":{}}]}`],
    ['content in the delta', `${HEAD}"delta":{"content":"x"},"finish_reason":"stop"}]}`],
    ['an error', '{"error":{"message":"x"},"choices":[{"delta":{},"finish_reason":"stop"}]}'],
  ];
  for (const [name, data] of parsed) t.equal(plainFinishReason(data), null, name);
  t.end();
});
