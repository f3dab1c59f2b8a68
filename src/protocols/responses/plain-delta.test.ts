// Which chat chunks skip the parse: only one whose delta is nothing but non-empty content, with no
// finish_reason, usage or further delta after it and no error; its literal comes back escapes and all.
import t from 'tap';
import { plainContentLiteral } from './plain-delta.js';

const HEAD = '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,';
const chunk = (delta: string, tail = ',"logprobs":null,"finish_reason":null}],"usage":null}'): string => `${HEAD}"delta":${delta}${tail}`;

t.test('a plain content chunk gives its literal as it came', (t) => {
  t.equal(plainContentLiteral(chunk('{"content":" market"}')), ' market');
  t.equal(plainContentLiteral(chunk('{"content":"a\\"b\\\\c\\n\\u00e9\\ud83d\\ude00"}')), 'a\\"b\\\\c\\n\\u00e9\\ud83d\\ude00');
  t.equal(plainContentLiteral(chunk('{"content":"x"}', '}]}')), 'x', 'nothing after the choice');
  t.equal(plainContentLiteral(chunk('{"content":"x"}', ',"finish_reason":null}],"usage":null,"note":"\\"delta\\""}')), 'x', 'a quoted key inside a string is no key');
  t.end();
});

t.test('anything else is parsed', (t) => {
  const parsed: [string, string][] = [
    ['role and empty content', chunk('{"role":"assistant","content":""}')],
    ['empty content', chunk('{"content":""}')],
    ['content then another member', chunk('{"content":"x","reasoning_content":"y"}')],
    ['a finish reason after', chunk('{"content":"x"}', ',"finish_reason":"stop"}]}')],
    ['usage after', chunk('{"content":"x"}', ',"finish_reason":null}],"usage":{"prompt_tokens":1}}')],
    ['another choice with a delta after', chunk('{"content":"x"}', ',"finish_reason":null},{"index":1,"delta":{"content":"y"}}]}')],
    ['content not in a delta', `${HEAD}"message":{"content":"x"}}]}`],
    ['an error', '{"error":{"message":"x"},"choices":[{"delta":{"content":"x"}}]}'],
    ['spaces after the colons', chunk('{"content": "x"}').replace('"delta":', '"delta": ')],
    ['an invalid escape', chunk('{"content":"a\\qb"}')],
    ['a short \\u escape', chunk('{"content":"a\\u12"}')],
    ['a raw control character', chunk('{"content":"a\nb"}')],
    ['an unterminated literal', `${HEAD}"delta":{"content":"abc`],
    ['no content at all', chunk('{}', ',"finish_reason":"length"}]}')],
  ];
  for (const [name, data] of parsed) t.equal(plainContentLiteral(data), null, name);
  t.end();
});
