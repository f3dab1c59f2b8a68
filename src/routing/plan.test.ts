import t from 'tap';
import type { KeyRecord } from '../budgets/types.js';
import type { Classification } from '../classify/classification.js';
import type { BudgetsConfig, EngineName } from '../config/types.js';
import { findRoute, type ModelRoute, type TierRoute } from './decide.js';
import { parseRequest, type Endpoint } from './inference-request.js';
import { admit, planRequest, type Caller, type RequestPlan } from './plan.js';

interface FakePool {
  readonly name: string;
  readonly contextLength: number | null;
  readonly config: { readonly engine: EngineName };
}

const pool = (name: string, contextLength: number | null, engine: EngineName = 'vllm'): FakePool => ({ name, contextLength, config: { engine } });

// s1's context is too short for a 4096-token cap on top of a prompt: it gets none (its context bounds the output).
const small: TierRoute<FakePool> = { name: 'small', pools: [pool('s1', 4096)], spillTo: null };
const large: TierRoute<FakePool> = { name: 'large', pools: [pool('l1', 32_768), pool('hosted', null, 'openai')], spillTo: small };
const huge: TierRoute<FakePool> = { name: 'huge', pools: [pool('h1', 131_072)], spillTo: large };

const auto: ModelRoute<FakePool> = {
  alias: 'auto',
  tiers: [small, large],
  classify: true,
  route: { simple: small, moderate: small, complex: large },
  allowTierHeader: true,
};
const fixed: ModelRoute<FakePool> = { ...auto, alias: 'fixed', classify: false, allowTierHeader: false };
const deep: ModelRoute<FakePool> = { alias: 'deep', tiers: [small, large, huge], classify: true, route: { simple: small, moderate: large, complex: huge }, allowTierHeader: true };
const ROUTES = new Map([
  ['auto', auto],
  ['fixed', fixed],
  ['deep', deep],
]);

const classified = (complexity: Classification['complexity'], reasons: string[] = [complexity === 'simple' ? 'short-chat' : 'code']): Classification => ({
  complexity,
  score: 1,
  reasons,
});

function key(overrides: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id: 'k1',
    name: 'key k1',
    hash: 'h',
    prefix: 'sy-k1',
    enabled: true,
    models: null,
    tiers: null,
    maxTokensPerRequest: null,
    limits: {
      tokensPerMinute: null,
      tokensPerDay: 100_000,
      tokensPerMonth: null,
      tokensLifetime: null,
      requestsPerMinute: null,
      maxConcurrent: null,
      usdPerDay: null,
      usdPerMonth: null,
      usdLifetime: null,
    },
    metadata: {},
    createdAt: '2024-01-01T00:00:00.000Z',
    source: 'config',
    ...overrides,
  };
}

const BUDGETS: BudgetsConfig = {
  store: 'memory',
  budgetMode: 'strict',
  onStoreError: 'fail-closed',
  degradeAt: 0.8,
  maxOutputTokens: 4096,
  imageTokens: 1024,
  audioTokens: 1500,
  topUpTokens: 512,
  reservationTtlMs: 900_000,
};

const caller = (overrides: Partial<KeyRecord> = {}, usedShare = 0, budgets: BudgetsConfig | null = BUDGETS): Caller => ({ key: key(overrides), usedShare, budgets });

interface Ask {
  readonly model?: string;
  readonly classification?: Classification | null;
  readonly pin?: string | null;
  readonly caller?: Caller | null;
  readonly body?: Record<string, unknown>;
  readonly endpoint?: Endpoint;
}

/** The handler's steps without the I/O: find the alias, admit, (classify), plan. */
function plan({ model = 'auto', classification = null, pin = null, caller = null, body = {}, endpoint = 'chat' }: Ask): RequestPlan<FakePool> {
  const payload = endpoint === 'embeddings' ? { input: 'hi' } : { messages: [{ role: 'user', content: 'hi' }] };
  const request = parseRequest(endpoint, { model, ...payload, ...body });
  const admission = admit(findRoute(ROUTES, request.model), request, caller, pin);
  return planRequest(admission, admission.classify ? classification : null);
}

/** The plan by names, as the admin dry run shows it. */
function summary(p: RequestPlan<FakePool>) {
  return {
    alias: p.alias,
    complexity: p.complexity,
    reason: p.reason,
    chain: p.chain.map((tier) => `${tier.name}: ${tier.pools.map((x) => x.name).join(',')}`),
  };
}

t.test('classified tiers, fixed aliases, spill chains', async (t) => {
  const cases: [string, Ask, ReturnType<typeof summary>][] = [
    ['simple → small', { classification: classified('simple') }, { alias: 'auto', complexity: 'simple', reason: 'simple: short-chat', chain: ['small: s1'] }],
    [
      'complex → large, spilling to small',
      { classification: classified('complex', ['code', 'multi-step']) },
      { alias: 'auto', complexity: 'complex', reason: 'complex: code+multi-step', chain: ['large: l1,hosted', 'small: s1'] },
    ],
    [
      'spill chains are walked to their end, in order',
      { model: 'deep', classification: classified('complex') },
      { alias: 'deep', complexity: 'complex', reason: 'complex: code', chain: ['huge: h1', 'large: l1,hosted', 'small: s1'] },
    ],
    [
      'a fixed alias is not classified',
      { model: 'fixed', classification: classified('complex') },
      { alias: 'fixed', complexity: null, reason: 'fixed: small', chain: ['small: s1'] },
    ],
    ['a classifying alias without a classification: its first tier', { classification: null }, { alias: 'auto', complexity: null, reason: 'fixed: small', chain: ['small: s1'] }],
  ];
  for (const [name, ask, expected] of cases) {
    const p = plan(ask);
    t.strictSame(summary(p), expected, name);
    t.equal(p.tier, p.chain[0], `${name}: the serving tier heads the chain`);
  }
});

t.test('what needs a classification', async (t) => {
  const request = parseRequest('chat', { model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
  const cases: [string, ModelRoute<FakePool>, string | null, boolean][] = [
    ['a classifying alias', auto, null, true],
    ['a pinned request', auto, 'large', false],
    ['a fixed alias', fixed, null, false],
  ];
  for (const [name, route, pin, expected] of cases) t.equal(admit(route, request, null, pin).classify, expected, name);
});

t.test('pins', async (t) => {
  const pinned = plan({ pin: 'large' });
  t.strictSame(summary(pinned), { alias: 'auto', complexity: null, reason: 'pinned: large', chain: ['large: l1,hosted', 'small: s1'] });
  t.strictSame(
    summary(plan({ pin: 'small', caller: caller({}, 0.95) })),
    { alias: 'auto', complexity: null, reason: 'pinned: small', chain: ['small: s1'] },
    'pins ignore budget pressure',
  );
  t.strictSame(
    summary(plan({ pin: 'large', caller: caller({ tiers: ['small'] }) })),
    { alias: 'auto', complexity: null, reason: 'restricted: small', chain: ['small: s1'] },
    "a pin to a tier the key may not reach: the key's cheapest tier",
  );
});

t.test('key tier restrictions', async (t) => {
  const cases: [string, Ask, ReturnType<typeof summary>][] = [
    [
      'the decided tier is out of reach: the cheapest allowed tier, and the reason says so',
      { classification: classified('complex'), caller: caller({ tiers: ['small'] }) },
      { alias: 'auto', complexity: 'complex', reason: 'restricted: small', chain: ['small: s1'] },
    ],
    [
      'a spill tier out of reach leaves the chain',
      { classification: classified('complex'), caller: caller({ tiers: ['large'] }) },
      { alias: 'auto', complexity: 'complex', reason: 'complex: code', chain: ['large: l1,hosted'] },
    ],
    [
      'a simple request for a large-only key',
      { classification: classified('simple'), caller: caller({ tiers: ['large'] }) },
      { alias: 'auto', complexity: 'simple', reason: 'restricted: large', chain: ['large: l1,hosted'] },
    ],
    [
      'the middle of a chain can be cut out',
      { model: 'deep', classification: classified('complex'), caller: caller({ tiers: ['huge', 'small'] }) },
      { alias: 'deep', complexity: 'complex', reason: 'complex: code', chain: ['huge: h1', 'small: s1'] },
    ],
    [
      'an unrestricted key',
      { classification: classified('complex'), caller: caller({ tiers: null }) },
      { alias: 'auto', complexity: 'complex', reason: 'complex: code', chain: ['large: l1,hosted', 'small: s1'] },
    ],
  ];
  for (const [name, ask, expected] of cases) t.strictSame(summary(plan(ask)), expected, name);
});

t.test('budget pressure degrades classified requests to the first tier', async (t) => {
  const complex = classified('complex');
  const cases: [string, Ask, ReturnType<typeof summary>][] = [
    ['past degradeAt', { classification: complex, caller: caller({}, 0.834) }, { alias: 'auto', complexity: 'complex', reason: 'budget: 83% used', chain: ['small: s1'] }],
    ['at degradeAt', { classification: complex, caller: caller({}, 0.8) }, { alias: 'auto', complexity: 'complex', reason: 'budget: 80% used', chain: ['small: s1'] }],
    [
      'below degradeAt',
      { classification: complex, caller: caller({}, 0.79) },
      { alias: 'auto', complexity: 'complex', reason: 'complex: code', chain: ['large: l1,hosted', 'small: s1'] },
    ],
    [
      'degradeAt null turns it off',
      { classification: complex, caller: caller({}, 0.99, { ...BUDGETS, degradeAt: null }) },
      { alias: 'auto', complexity: 'complex', reason: 'complex: code', chain: ['large: l1,hosted', 'small: s1'] },
    ],
    [
      'budgets off: no pressure',
      { classification: complex, caller: caller({}, 0.99, null) },
      { alias: 'auto', complexity: 'complex', reason: 'complex: code', chain: ['large: l1,hosted', 'small: s1'] },
    ],
    [
      'nothing to degrade',
      { classification: classified('simple'), caller: caller({}, 0.9) },
      { alias: 'auto', complexity: 'simple', reason: 'simple: short-chat', chain: ['small: s1'] },
    ],
    [
      'degraded, then restricted back to what the key may reach',
      { classification: complex, caller: caller({ tiers: ['large'] }, 0.9) },
      { alias: 'auto', complexity: 'complex', reason: 'restricted: large', chain: ['large: l1,hosted'] },
    ],
    [
      'anonymous requests have no budget to press on',
      { classification: complex, caller: null },
      { alias: 'auto', complexity: 'complex', reason: 'complex: code', chain: ['large: l1,hosted', 'small: s1'] },
    ],
  ];
  for (const [name, ask, expected] of cases) t.strictSame(summary(plan(ask)), expected, name);
});

t.test('reservations and strict output caps, per pool of the chain', async (t) => {
  // The prompt 'hi': 2 bytes + 8 for its message + 16 = 26 tokens at most.
  const strict = caller();
  const cases: [string, Ask, { tokens: number; caps: Record<string, string> | null } | null][] = [
    ['anonymous: nothing reserved', { classification: classified('complex') }, null],
    ['a key without budgets: nothing reserved', { classification: classified('complex'), caller: caller({}, 0, null) }, null],
    [
      'strict: a cap per pool whose context does not bound the output; max_completion_tokens for hosted chat',
      { classification: classified('complex'), caller: strict },
      { tokens: 26 + 4096, caps: { l1: 'max_tokens=4096', hosted: 'max_completion_tokens=4096' } },
    ],
    ['strict on a short context: no cap, the context bounds the cost', { classification: classified('simple'), caller: strict }, { tokens: 4096, caps: null }],
    [
      "strict: the key's maxTokensPerRequest is the cap, and fits every context",
      { classification: classified('complex'), caller: caller({ maxTokensPerRequest: 100 }) },
      { tokens: 126, caps: { l1: 'max_tokens=100', hosted: 'max_completion_tokens=100', s1: 'max_tokens=100' } },
    ],
    ['strict: the client bounds its output itself', { classification: classified('complex'), caller: strict, body: { max_tokens: 50 } }, { tokens: 76, caps: null }],
    [
      'strict: pools of tiers the key may not reach get no cap and do not count',
      { classification: classified('complex'), caller: caller({ tiers: ['large'], maxTokensPerRequest: 100 }) },
      { tokens: 126, caps: { l1: 'max_tokens=100', hosted: 'max_completion_tokens=100' } },
    ],
    ['strict embeddings: the prompt only', { model: 'fixed', caller: strict, endpoint: 'embeddings' }, { tokens: 26, caps: null }],
    // Tight: the estimate (here 25: 'hi' is one token) plus one top-up step, or the client's own smaller limit.
    [
      'tight: the estimate and a top-up step',
      { classification: classified('complex'), caller: caller({}, 0, { ...BUDGETS, budgetMode: 'tight' }) },
      { tokens: 25 + 512, caps: null },
    ],
    [
      'tight: the client limit when below a step',
      { classification: classified('complex'), caller: caller({}, 0, { ...BUDGETS, budgetMode: 'tight' }), body: { max_tokens: 50 } },
      { tokens: 25 + 50, caps: null },
    ],
  ];
  for (const [name, ask, expected] of cases) {
    const p = plan(ask);
    t.strictSame(p.reservation === null ? null : { tokens: p.reservation.tokens, caps: capsOf(p) }, expected, name);
    if (p.reservation === null) t.equal(p.caps, null, `${name}: no caps without a reservation`);
  }
});

t.test('strict caps on legacy completions are max_tokens, hosted pools too', async (t) => {
  const request = parseRequest('completions', { model: 'auto', prompt: 'hi' });
  const p = planRequest(admit(auto, request, caller(), null), classified('complex'));
  t.strictSame(capsOf(p), { l1: 'max_tokens=4096', hosted: 'max_tokens=4096' });
});

function capsOf(p: RequestPlan<FakePool>): Record<string, string> | null {
  return p.caps === null ? null : Object.fromEntries([...p.caps].map(([name, cap]) => [name, `${cap.field}=${cap.tokens}`]));
}

t.test('refusals, in the order the handler meets them', async (t) => {
  const cases: [string, () => unknown, { kind: string; message: string }][] = [
    ['unknown model', () => plan({ model: 'gpt-9' }), { kind: 'model_not_found', message: 'The model `gpt-9` does not exist. Known models: auto, fixed, deep.' }],
    [
      'unknown model before the key',
      () => plan({ model: 'gpt-9', caller: caller({ models: ['fixed'] }) }),
      { kind: 'model_not_found', message: 'The model `gpt-9` does not exist. Known models: auto, fixed, deep.' },
    ],
    [
      'a model the key may not use',
      () => plan({ caller: caller({ models: ['fixed'] }) }),
      { kind: 'model_not_allowed', message: 'This API key may not use model `auto` (allowed: fixed).' },
    ],
    [
      'the model policy before max_tokens and the pin',
      () => plan({ caller: caller({ models: ['fixed'], maxTokensPerRequest: 10 }), body: { max_tokens: 50 }, pin: 'nope' }),
      { kind: 'model_not_allowed', message: 'This API key may not use model `auto` (allowed: fixed).' },
    ],
    [
      "max_tokens above the key's limit, before the pin",
      () => plan({ caller: caller({ maxTokensPerRequest: 100 }), body: { max_tokens: 500 }, pin: 'nope' }),
      { kind: 'invalid_request', message: "'max_tokens' is 500, above this API key's limit of 100 per request." },
    ],
    [
      "max_completion_tokens above the key's limit",
      () => plan({ caller: caller({ maxTokensPerRequest: 100 }), body: { max_completion_tokens: 101 } }),
      { kind: 'invalid_request', message: "'max_completion_tokens' is 101, above this API key's limit of 100 per request." },
    ],
    [
      'a pin where none is allowed',
      () => plan({ model: 'fixed', pin: 'large' }),
      { kind: 'invalid_request', message: 'The x-switchyard-tier header is not allowed for model `fixed`.' },
    ],
    ['a pin to a tier the alias lacks', () => plan({ pin: 'huge' }), { kind: 'invalid_request', message: "Tier `huge` is not one of model `auto`'s tiers (small, large)." }],
    [
      'a key that may reach none of the tiers',
      () => plan({ classification: classified('simple'), caller: caller({ tiers: ['huge'] }) }),
      { kind: 'tier_not_allowed', message: 'This API key may not use any tier of model `auto` (allowed tiers: huge).' },
    ],
  ];
  for (const [name, run, expected] of cases) t.throws(run, expected, name);
});

t.test('the tier restriction is judged after classification, in planRequest', async (t) => {
  const request = parseRequest('chat', { model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
  const admission = admit(auto, request, caller({ tiers: ['huge'] }), null);
  t.equal(admission.classify, true, 'admitted: the request is classified first');
  t.throws(() => planRequest(admission, classified('simple')), { kind: 'tier_not_allowed', message: 'This API key may not use any tier of model `auto` (allowed tiers: huge).' });
});
