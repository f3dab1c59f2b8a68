import t from 'tap';
import { RouterError } from '../openai/errors.js';
import type { AttemptResult, RequestResult } from '../proxy/results.js';
import { formatAccessLine, type AccessFacts } from './access-line.js';

const facts: AccessFacts = { requestId: 'req-1', method: 'POST', path: '/v1/chat/completions', status: 200, durationMs: 12.3456, outcome: 'ok', error: null };

const ATTEMPT: AttemptResult = {
  pool: 'sim',
  replica: 'sim-0',
  upstreamId: 'req-1.0a1b2c3d.1',
  panic: false,
  outcome: 'ok',
  status: 200,
  ms: 1,
  firstByteMs: null,
  committed: true,
  error: null,
  ttftMs: null,
  promptTokens: null,
  completionTokens: null,
  cachedPromptTokens: null,
  costNanoUsd: null,
  streamedTokens: 0,
};

function answered(answer: Partial<AttemptResult>, fields: Partial<RequestResult> = {}): RequestResult {
  const attempt = { ...ATTEMPT, ...answer };
  return {
    endpoint: 'chat',
    stream: false,
    model: null,
    complexity: null,
    tier: null,
    reason: null,
    attempts: [attempt],
    answer: attempt,
    costNanoUsd: null,
    error: null,
    served: 'engine',
    cache: null,
    ...fields,
  };
}

function parse(line: string): Record<string, unknown> {
  t.ok(line.endsWith('}\n'), 'one line, newline-terminated');
  t.notOk(line.slice(0, -1).includes('\n'), 'no newline inside the line');
  return JSON.parse(line) as Record<string, unknown>;
}

t.test('a routed request: every field it has, in the logger envelope', async (t) => {
  const failed: AttemptResult = { ...ATTEMPT, replica: 'sim-1', outcome: 'upstream_unavailable', status: 503, ms: 1.006, committed: false };
  const answer: AttemptResult = { ...ATTEMPT, upstreamId: 'req-1.0a1b2c3d.2', ms: 9.876, firstByteMs: 2.5, panic: true, ttftMs: 3.14159, promptTokens: 14, completionTokens: 20 };
  const result: RequestResult = {
    endpoint: 'chat',
    stream: true,
    model: 'bench',
    complexity: 'simple',
    tier: 'small',
    reason: 'simple: short-output',
    attempts: [failed, answer],
    answer,
    costNanoUsd: null,
    error: null,
    served: 'engine',
    cache: null,
  };
  const line = parse(formatAccessLine(facts, result));
  t.match(line, { level: 'info', time: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, service: 'switchyard', msg: 'request' });
  t.same(
    { ...line, time: 'T' },
    {
      level: 'info',
      time: 'T',
      service: 'switchyard',
      requestId: 'req-1',
      method: 'POST',
      path: '/v1/chat/completions',
      status: 200,
      durationMs: 12.35,
      endpoint: 'chat',
      model: 'bench',
      tier: 'small',
      complexity: 'simple',
      reason: 'simple: short-output',
      pool: 'sim',
      replica: 'sim-0',
      stream: true,
      outcome: 'ok',
      ttftMs: 3.14,
      promptTokens: 14,
      completionTokens: 20,
      attempts: [
        { pool: 'sim', replica: 'sim-1', upstreamId: 'req-1.0a1b2c3d.1', outcome: 'upstream_unavailable', status: 503, ms: 1.01 },
        { pool: 'sim', replica: 'sim-0', upstreamId: 'req-1.0a1b2c3d.2', outcome: 'ok', status: 200, ms: 9.88, firstByteMs: 2.5, panic: true },
      ],
      msg: 'request',
    },
  );
});

t.test('a request that never reached a route: no endpoint, no stream flag, the error it ended with', async (t) => {
  const error = new RouterError('invalid_request', 'bad "json"\nat line 2');
  const line = parse(formatAccessLine({ ...facts, requestId: 'req-2', method: 'GET', path: '/nope', status: 400, outcome: 'invalid_request', error }, null));
  t.notOk('endpoint' in line);
  t.notOk('stream' in line);
  t.notOk('attempts' in line);
  t.match(line, { status: 400, outcome: 'invalid_request', errorKind: 'invalid_request', origin: 'caller', error: 'bad "json"\nat line 2' });
});

t.test('client text is escaped, never spliced in raw', async (t) => {
  const path = '/v1/"quoted"\\back\u2028\u0000';
  const line = parse(formatAccessLine({ ...facts, requestId: 'id"},"status":1,"x":{"', path }, null));
  t.equal(line['requestId'], 'id"},"status":1,"x":{"');
  t.equal(line['path'], path);
  t.equal(line['status'], 200);
  t.notOk('x' in line);
});

t.test('token counts an engine sent as out-of-range numbers are written as null, keeping the line valid JSON', async (t) => {
  const line = parse(formatAccessLine({ ...facts, requestId: 'req-3' }, answered({ promptTokens: JSON.parse('1e400') as number, completionTokens: 7 })));
  t.equal(line['promptTokens'], null);
  t.equal(line['completionTokens'], 7);
});

t.test('the response cache: the line says hit, miss or bypass for aliases with a cache, nothing otherwise', async (t) => {
  const hit = parse(formatAccessLine({ ...facts, requestId: 'req-4' }, { ...answered({}), attempts: [], answer: null, served: 'cache', cache: 'hit' }));
  t.equal(hit['cache'], 'hit');
  t.notOk('attempts' in hit);
  t.equal(parse(formatAccessLine({ ...facts, requestId: 'req-5' }, answered({}, { cache: 'miss' })))['cache'], 'miss');
  t.notOk('cache' in parse(formatAccessLine({ ...facts, requestId: 'req-6' }, answered({}))));
});
