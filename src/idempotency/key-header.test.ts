// The Idempotency-Key header as the router reads it: an RFC 8941 sf-string (the IETF draft's syntax,
// ietf-wg-httpapi/idempotency draft-ietf-httpapi-idempotency-key-header.md @dab060c, "Syntax"), or a
// bare Stripe-style token; anything else is a 400 in OpenAI's envelope.
import t from 'tap';
import { RouterError, errorBody } from '../openai/errors.js';
import { readIdempotencyKey } from './key-header.js';

/** Raw header lines as node:http keeps them: name, value, name, value… */
function raw(...lines: [string, string][]): string[] {
  return lines.flat();
}

t.test('accepted values', async (t) => {
  const cases: [string, string, string][] = [
    ["a UUID as an sf-string (the draft's example)", '"8e03978e-40d5-43e8-bc93-6894a57f9324"', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['a bare UUID (Stripe style)', '8e03978e-40d5-43e8-bc93-6894a57f9324', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['an sf-string with spaces and a comma', '"retry 1, order 7"', 'retry 1, order 7'],
    ['an sf-string with its two escapes', '"a\\"b\\\\c"', 'a"b\\c'],
    ['bare visible ASCII', "key_!#$%&'*+-.^`|~:;<=>?@[]{}/", "key_!#$%&'*+-.^`|~:;<=>?@[]{}/"],
    ['one character', 'x', 'x'],
    ['255 bare characters', 'k'.repeat(255), 'k'.repeat(255)],
    ['255 characters once unquoted (257 on the wire)', `"${'k'.repeat(255)}"`, 'k'.repeat(255)],
    ['255 characters once unescaped', `"${'\\"'.repeat(255)}"`, '"'.repeat(255)],
  ];
  for (const [what, value, key] of cases) {
    t.equal(readIdempotencyKey(value, raw(['Idempotency-Key', value])), key, what);
  }
  t.equal(readIdempotencyKey(undefined, raw(['Content-Type', 'application/json'])), null, 'no header: no key');
  t.equal(readIdempotencyKey('abc', raw(['idempotency-KEY', 'abc'])), 'abc', 'the name in any case');
});

t.test('refused values: a 400 invalid_idempotency_key that states the rule', async (t) => {
  const cases: [string, string, RegExp][] = [
    ['empty', '', /is empty/],
    ['an empty sf-string', '""', /is empty/],
    ['256 bare characters', 'k'.repeat(256), /256 characters long; at most 255/],
    ['256 characters once unquoted', `"${'k'.repeat(256)}"`, /256 characters long; at most 255/],
    ['a tab (control character) in a bare value', 'ab\tc', /control character/],
    ['a tab inside an sf-string', '"ab\tc"', /control character/],
    ['DEL', 'ab\x7fc', /control character/],
    ['a byte past ASCII (node reads header bytes as latin1)', 'caf\u00e9', /non-ASCII/],
    ['a space in a bare value', 'a b', /space/],
    ['a comma in a bare value (two keys, joined)', 'a,b', /comma/],
    ['an unterminated sf-string', '"abc', /closing quote/],
    ['a parameter after the sf-string', '"abc";v=1', /after the closing quote/],
    ['an escape other than \\" and \\\\', '"a\\nb"', /escape/],
    ['a backslash at the end of an sf-string', '"abc\\', /closing quote/],
  ];
  for (const [what, value, message] of cases) {
    const error = catchError(() => readIdempotencyKey(value, raw(['Idempotency-Key', value])));
    t.equal(error.status, 400, `${what}: 400`);
    t.equal(error.code, 'invalid_idempotency_key', `${what}: the code`);
    t.equal(error.type, 'invalid_request_error', `${what}: the type`);
    t.match(error.message, message, `${what}: ${error.message}`);
    t.strictSame(error.headers, { 'x-should-retry': 'false' }, `${what}: the SDKs are told not to retry`);
  }
});

t.test('two Idempotency-Key headers are refused, whatever node joined them into', async (t) => {
  // node:http joins repeated unknown headers with ", " (so `"a", "b"` would look like one sf-string
  // holding a comma): the raw lines are what tell two headers from one.
  const error = catchError(() => readIdempotencyKey('"a", "b"', raw(['Idempotency-Key', '"a"'], ['x-other', '1'], ['idempotency-key', '"b"'])));
  t.strictSame(errorBody(error), {
    error: {
      message: 'The Idempotency-Key header was sent 2 times; send it once.',
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_idempotency_key',
    },
  });
  t.equal(error.status, 400);
});

function catchError(call: () => unknown): RouterError {
  try {
    call();
  } catch (error) {
    if (error instanceof RouterError) return error;
    throw error;
  }
  throw new Error('expected a RouterError');
}
