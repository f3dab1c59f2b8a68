// The cache key: what changes it and what does not. Equal JSON in other bytes gives one key (LiteLLM
// keyed on the client's key order, BerriAI/litellm issue 40128; Bifrost hashed Go map order, maximhq/
// bifrost issues 2912 and 3190); the scope the server sets always changes it (LiteLLM served one
// team's answer to another, issue 29955).
import t from 'tap';
import type { KeyRecord } from '../budgets/types.js';
import { bodyDigest, cacheScope, canonicalBody, requestKey, type KeyMaterial } from './request-key.js';

/** The key's material with the body as the client sent it. */
type Material = Omit<KeyMaterial, 'body'> & { readonly body: Readonly<Record<string, unknown>> };

const body = { model: 'gpu', messages: [{ role: 'user', content: 'hi' }], temperature: 0, max_tokens: 20 };
const base: Material = { scope: 'key:a', endpoint: 'chat', alias: 'gpu', tier: 'small', body };
const key = (material: Partial<Material>): string => {
  const whole = { ...base, ...material };
  return requestKey({ ...whole, body: canonicalBody(whole.body) });
};

t.test('the key is 64 hex digits and the same for the same material', async (t) => {
  t.match(key({}), /^[0-9a-f]{64}$/);
  t.equal(key({}), key({ body: { ...body } }));
});

t.test('two byte-different but equal bodies give one key', async (t) => {
  const a = JSON.parse('{"model":"gpu","messages":[{"role":"user","content":"hi"}],"temperature":0,"max_tokens":20}') as Record<string, unknown>;
  const b = JSON.parse('{\n  "max_tokens": 2e1, "temperature": -0.0,\n  "messages": [ { "content": "h\\u0069", "role": "user" } ], "model": "gpu" }') as Record<string, unknown>;
  t.equal(key({ body: a }), key({ body: b }));
});

t.test('any shuffle of the members, at any depth, gives the same key', async (t) => {
  const deep = { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' } } } } }], ...body };
  const expected = key({ body: deep });
  let seed = 7;
  const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const shuffle = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(shuffle);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value).map(([name, inner]) => [name, shuffle(inner)] as const);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    return Object.fromEntries(entries);
  };
  for (let round = 0; round < 50; round++) t.equal(key({ body: shuffle(deep) as Record<string, unknown> }), expected);
});

t.test('transport and tracking fields, and top-level nulls, do not change the key', async (t) => {
  const expected = key({});
  for (const extra of [
    { model: 'other-alias-spelling' },
    { stream: true },
    { stream_options: { include_usage: true } },
    { user: 'u1' },
    { safety_identifier: 's' },
    { prompt_cache_key: 'p' },
    { prompt_cache_retention: '24h' },
    { store: true },
    { metadata: { a: 'b' } },
    { seed: null },
    { tools: null },
  ]) {
    t.equal(key({ body: { ...body, ...extra } }), expected, JSON.stringify(extra));
  }
});

t.test('everything else changes the key: fields known or not, nested nulls, and each part of the material', async (t) => {
  const expected = key({});
  const changed = [
    key({ body: { ...body, temperature: 0.1 } }),
    key({ body: { ...body, top_k: 5 } }),
    key({ body: { ...body, cache_salt: 'x' } }),
    key({ body: { ...body, unknown_engine_field: 1 } }),
    key({ body: { ...body, messages: [{ role: 'user', content: 'hi', name: null }] } }),
    key({ body: { ...body, messages: [{ role: 'user', content: 'hi ' }] } }),
    key({ scope: 'key:b' }),
    key({ scope: 'shared' }),
    key({ endpoint: 'completions' }),
    key({ alias: 'gpu2' }),
    key({ tier: 'large' }),
  ];
  t.equal(new Set([expected, ...changed]).size, changed.length + 1, 'all distinct');
});

t.test('scopes: per key, anonymous, shared, and by a metadata field', async (t) => {
  const record = (id: string, metadata: Record<string, string> = {}): KeyRecord => ({ id, metadata }) as unknown as KeyRecord;
  t.equal(cacheScope('key', record('a')), 'key:a');
  t.equal(cacheScope('key', null), 'anon');
  t.equal(cacheScope('shared', record('a')), 'shared');
  t.equal(cacheScope('shared', null), 'shared');
  t.equal(cacheScope('metadata:team', record('a', { team: 'red' })), 'meta:"team"="red"');
  t.equal(cacheScope('metadata:team', record('b', { team: 'red' })), 'meta:"team"="red"');
  t.equal(cacheScope('metadata:team', record('c')), 'key:c', 'a key without the field keeps its own');
  t.equal(cacheScope('metadata:team', null), 'anon');
  t.equal(cacheScope('metadata:toString', record('d')), 'key:d', 'not an inherited property');
  t.not(cacheScope('metadata:team', record('e', { team: '"x"=y' })), cacheScope('metadata:team', record('f', { team: 'x' })));
});

t.test('a key the admin API created is scoped by its generation too: an id created again is another scope', async (t) => {
  const record = (generation: string, metadata: Record<string, string> = {}): KeyRecord => ({ id: 'a', generation, metadata }) as unknown as KeyRecord;
  t.equal(cacheScope('key', record('g1')), 'key:a:g1');
  t.not(cacheScope('key', record('g2')), cacheScope('key', record('g1')));
  t.equal(cacheScope('metadata:team', record('g1')), 'key:a:g1', 'a key without the field keeps its own');
  t.equal(cacheScope('metadata:team', record('g1', { team: 'red' })), 'meta:"team"="red"', 'a team is shared whatever its keys’ generations');
});

t.test('an empty metadata value is no value: keys whose team was left blank do not share one bucket', async (t) => {
  t.equal(cacheScope('metadata:team', { id: 'g', metadata: { team: '' } } as unknown as KeyRecord), 'key:g');
  t.equal(cacheScope('metadata:team', { id: 'h', metadata: { team: '' } } as unknown as KeyRecord), 'key:h');
});

t.test('every field that changes the answer changes the key: n, logprobs, top_logprobs, response_format, tool_choice, seed', async (t) => {
  const changes: Record<string, unknown>[] = [
    { n: 2 },
    { logprobs: true },
    { logprobs: true, top_logprobs: 3 },
    { response_format: { type: 'json_object' } },
    { response_format: { type: 'json_schema', json_schema: { name: 's', schema: { type: 'object' } } } },
    { tool_choice: 'required' },
    { seed: 7 },
  ];
  const keys = new Set([key({}), ...changes.map((extra) => key({ body: { ...body, ...extra } }))]);
  t.equal(keys.size, changes.length + 1, 'all distinct');
  t.equal(key({ body: { ...body, stream_options: { include_usage: true } } }), key({}), 'include_usage is transport: the replay adds or drops the usage chunk');
});

t.test('the key of a given request does not change between versions of the router (entries in a shared Redis stay found)', async (t) => {
  const body = {
    model: 'gpu',
    stream: true,
    user: 'u',
    top_p: null,
    messages: [
      { role: 'user', content: 'hi é \u2028' },
      { role: 'assistant', content: null },
    ],
    temperature: 0,
    max_tokens: 20,
    b: -0,
    a: 1e30,
  };
  // Computed by the first version of requestKey (string built, then hashed), before it was made cheaper.
  t.equal(key({ body }), '285d20e4d3f0acedbbb6255fde39b5fff48cdb3b2dc56b90c3905fcf19b0726d');
});

t.test('a member named __proto__ is part of the key like any other', async (t) => {
  const a = JSON.parse('{"model":"gpu","messages":[],"__proto__":{"x":1}}') as Record<string, unknown>;
  const b = JSON.parse('{"model":"gpu","messages":[],"__proto__":{"x":2}}') as Record<string, unknown>;
  t.not(key({ body: a }), key({ body: b }));
});

t.test('the body digest: one per equal body, whatever the transport fields, scope or tier; another for another body', async (t) => {
  const digest = (value: Readonly<Record<string, unknown>>): string => bodyDigest(canonicalBody(value));
  const expected = digest(body);
  t.match(expected, /^[0-9a-f]{64}$/);
  t.equal(digest({ max_tokens: 2e1, temperature: -0, messages: [{ content: 'h\u0069', role: 'user' }], model: 'x', stream: true, user: 'u' }), expected);
  t.not(digest({ ...body, max_tokens: 21 }), expected);
  t.not(digest({ ...body, messages: [{ role: 'user', content: 'hi!' }] }), expected);
  t.not(expected, key({}), 'the digest is not the key: the key adds the scope, endpoint, alias and tier');
});
