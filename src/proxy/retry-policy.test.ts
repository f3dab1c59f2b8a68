import t from 'tap';
import { RouterError, type ErrorKind } from '../openai/errors.js';
import { MAX_RETRY_AFTER_MS, backoffMs, isReplicaFailure, isRetryable, parseRetryAfter, retryAfterOf } from './retry-policy.js';

t.test('what is retried and what counts against a replica', async (t) => {
  const cases: [string, RouterError, boolean, boolean][] = [
    ['connection refused', new RouterError('upstream_unreachable', 'x'), true, true],
    ['first-byte timeout', new RouterError('upstream_timeout', 'x'), true, true],
    ['engine 5xx', new RouterError('upstream_error', 'x'), true, true],
    ['engine overloaded', new RouterError('upstream_overloaded', 'x', { status: 503 }), true, false],
    ['engine 429', new RouterError('upstream_rejected', 'x', { status: 429 }), true, false],
    ['engine 400: the request is at fault', new RouterError('upstream_rejected', 'x', { status: 400 }), false, false],
    ['router credentials refused', new RouterError('upstream_auth_failed', 'x'), false, false],
    ['the pool names a model its engine does not serve', new RouterError('upstream_misconfigured', 'x'), true, false],
    ...(['invalid_request', 'model_not_found', 'internal'] as ErrorKind[]).map((kind): [string, RouterError, boolean, boolean] => [kind, new RouterError(kind, 'x'), false, false]),
  ];
  for (const [name, error, retryable, failure] of cases) {
    t.equal(isRetryable(error), retryable, `${name}: retryable`);
    t.equal(isReplicaFailure(error), failure, `${name}: replica failure`);
  }
});

t.test('full-jitter backoff grows exponentially up to the cap', async (t) => {
  const config = { backoffBaseMs: 25, backoffMaxMs: 250 };
  const top = () => 0.999999;
  t.same(
    [1, 2, 3, 4, 5, 6].map((retry) => backoffMs(retry, config, top)),
    [24, 49, 99, 199, 249, 249],
  );
  t.equal(
    backoffMs(3, config, () => 0),
    0,
    'full jitter reaches down to zero',
  );
});

t.test('Retry-After in seconds or as a date', async (t) => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  t.equal(parseRetryAfter('2', now), 2000);
  t.equal(parseRetryAfter('0.5', now), 500);
  t.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now), 3000);
  t.equal(parseRetryAfter(undefined, now), null);
  t.equal(parseRetryAfter('99999999999999999999', now), MAX_RETRY_AFTER_MS, 'an absurd hint is capped');
  t.equal(parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT', now), MAX_RETRY_AFTER_MS);
  t.equal(retryAfterOf({ 'retry-after-ms': '1e300' }, now), MAX_RETRY_AFTER_MS);
  t.equal(parseRetryAfter('soon', now), null);
  t.equal(parseRetryAfter('-1', now), null);
});
