import t from 'tap';
import type { Classification } from '../classify/classification.js';
import { decide, findRoute, spillChain, type ModelRoute, type TierRoute } from './decide.js';

const small: TierRoute<string> = { name: 'small', pools: ['s1'], spillTo: null };
const large: TierRoute<string> = { name: 'large', pools: ['l1', 'hosted'], spillTo: small };

const auto: ModelRoute<string> = {
  alias: 'auto',
  tiers: [small, large],
  classify: true,
  route: { simple: small, moderate: small, complex: large },
  allowTierHeader: true,
};
const fixed: ModelRoute<string> = { ...auto, alias: 'fixed', classify: false, allowTierHeader: false };
const classified = (complexity: Classification['complexity'], reasons: string[]): Classification => ({ complexity, score: 1, reasons });

t.test('decisions', async (t) => {
  const cases: [string, ModelRoute<string>, Classification | null, string | null, { tier: string; complexity: string | null; reason: string }][] = [
    ['simple → small', auto, classified('simple', ['short-chat']), null, { tier: 'small', complexity: 'simple', reason: 'simple: short-chat' }],
    ['moderate → small', auto, classified('moderate', ['explain']), null, { tier: 'small', complexity: 'moderate', reason: 'moderate: explain' }],
    ['complex → large', auto, classified('complex', ['code', 'multi-step']), null, { tier: 'large', complexity: 'complex', reason: 'complex: code+multi-step' }],
    ['no reasons', auto, classified('complex', []), null, { tier: 'large', complexity: 'complex', reason: 'complex: none' }],
    ['a fixed alias ignores classification', fixed, classified('complex', ['code']), null, { tier: 'small', complexity: null, reason: 'fixed: small' }],
    ['unclassified request on a classifying alias: its first tier', auto, null, null, { tier: 'small', complexity: null, reason: 'fixed: small' }],
    ['a pin wins over the class', auto, null, 'large', { tier: 'large', complexity: null, reason: 'pinned: large' }],
  ];
  for (const [name, route, classification, pinnedTier, expected] of cases) {
    const decision = decide(route, { classification, pinnedTier, budgetPressure: null });
    t.same({ tier: decision.tier.name, complexity: decision.complexity, reason: decision.reason }, expected, name);
    t.equal(decision.model, route.alias);
  }
});

t.test('budget pressure sends classified requests to the cheapest tier', async (t) => {
  const degraded = decide(auto, { classification: classified('complex', ['code']), pinnedTier: null, budgetPressure: 0.834 });
  t.same([degraded.tier.name, degraded.complexity, degraded.reason], ['small', 'complex', 'budget: 83% used']);
  const alreadyCheap = decide(auto, { classification: classified('simple', ['short-chat']), pinnedTier: null, budgetPressure: 0.9 });
  t.same([alreadyCheap.tier.name, alreadyCheap.reason], ['small', 'simple: short-chat'], 'nothing to degrade');
  const pinned = decide(auto, { classification: null, pinnedTier: 'large', budgetPressure: 0.9 });
  t.equal(pinned.tier.name, 'large', 'an explicit pin is honoured');
});

t.test('refused pins and unknown models', async (t) => {
  const cases: [string, () => unknown, string][] = [
    ['pin not allowed', () => decide(fixed, { classification: null, pinnedTier: 'large' }), 'The x-switchyard-tier header is not allowed for model `fixed`.'],
    ['pin to a tier the alias lacks', () => decide(auto, { classification: null, pinnedTier: 'huge' }), "Tier `huge` is not one of model `auto`'s tiers (small, large)."],
    ['unknown model', () => findRoute(new Map([['auto', auto]]), 'gpt-9'), 'The model `gpt-9` does not exist. Known models: auto.'],
  ];
  for (const [name, run, message] of cases) {
    t.throws(run, { kind: name === 'unknown model' ? 'model_not_found' : 'invalid_request', message }, name);
  }
});

t.test('spill chains follow spillTo and stop at a repeat', async (t) => {
  t.same(
    spillChain(large).map((tier) => tier.name),
    ['large', 'small'],
  );
  t.same(
    spillChain(small).map((tier) => tier.name),
    ['small'],
  );
  const a: { name: string; pools: string[]; spillTo: TierRoute<string> | null } = { name: 'a', pools: [], spillTo: null };
  const b: TierRoute<string> = { name: 'b', pools: [], spillTo: a };
  a.spillTo = b;
  t.same(
    spillChain(a).map((tier) => tier.name),
    ['a', 'b'],
    'a cycle (ruled out by the loader) cannot loop forever',
  );
});
