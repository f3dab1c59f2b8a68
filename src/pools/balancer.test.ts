import t from 'tap';
import type { BalanceStrategy } from '../config/types.js';
import { loadScore, pickReplica, standing, type BalanceCandidate, type BalanceContext } from './balancer.js';

const NOW = 1_000_000;

interface Fake extends BalanceCandidate {
  readonly name: string;
}

function replica(name: string, overrides: Partial<Omit<Fake, 'name'>> & { healthy?: boolean; ejectedUntil?: number } = {}): Fake {
  const { healthy = true, ejectedUntil = 0, ...rest } = overrides;
  return {
    name,
    inFlight: 0,
    weight: 1,
    coolingUntil: 0,
    health: { healthy },
    outlier: { ejectedUntil },
    engineLoad: { waiting: 0, running: 0, kvCacheUse: 0, scrapedAt: NOW },
    latency: { ewmaMs: null, updatedAt: NOW },
    ...rest,
  };
}

/** A seeded generator, so ratios are reproducible. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function context(strategy: BalanceStrategy = 'load-aware', random = seeded(42)): BalanceContext {
  return { strategy, maxInFlight: 10, maxConnections: 12, maxEngineQueue: 4, staleAfterMs: 5000, now: NOW, random };
}

/** Picks `n` times with nothing in flight changing, and counts picks per replica name. */
function distribution(replicas: readonly Fake[], ctx: BalanceContext, n = 1000): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const name = pickReplica(replicas, new Set(), ctx, i)?.replica.name ?? 'none';
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

t.test('standing: unavailable, full, saturated or eligible', async (t) => {
  const ctx = context();
  const cases: [string, Fake, string][] = [
    ['healthy and idle', replica('a'), 'eligible'],
    ['failing health checks', replica('a', { healthy: false }), 'unavailable'],
    ['ejected', replica('a', { ejectedUntil: NOW + 1 }), 'unavailable'],
    ['ejection over', replica('a', { ejectedUntil: NOW }), 'eligible'],
    ['cooling after Retry-After', replica('a', { coolingUntil: NOW + 500 }), 'unavailable'],
    ['at maxInFlight', replica('a', { inFlight: 10 }), 'saturated'],
    ['a request on every connection', replica('a', { inFlight: 12 }), 'full'],
    ['unhealthy and full', replica('a', { healthy: false, inFlight: 12 }), 'unavailable'],
    ['engine queue over the threshold', replica('a', { engineLoad: { waiting: 5, running: 8, kvCacheUse: 0.9, scrapedAt: NOW } }), 'saturated'],
    ['engine queue at the threshold', replica('a', { engineLoad: { waiting: 4, running: 8, kvCacheUse: 0.9, scrapedAt: NOW } }), 'eligible'],
    ['stale queue reading is not saturation', replica('a', { engineLoad: { waiting: 50, running: 8, kvCacheUse: 1, scrapedAt: NOW - 6000 } }), 'eligible'],
  ];
  for (const [name, candidate, expected] of cases) t.equal(standing(candidate, ctx), expected, name);
});

t.test('load score: idle < busy; unknown or stale counts as busy, never as idle', async (t) => {
  const ctx = context();
  const idle = loadScore(replica('idle'), ctx);
  const queued = loadScore(replica('q', { engineLoad: { waiting: 3, running: 8, kvCacheUse: 0.5, scrapedAt: NOW } }), ctx);
  const unknown = loadScore(replica('u', { engineLoad: null }), ctx);
  const stale = loadScore(replica('s', { engineLoad: { waiting: 0, running: 0, kvCacheUse: 0, scrapedAt: NOW - 5001 } }), ctx);
  t.equal(idle, 1);
  t.ok(queued > idle);
  t.equal(unknown, (0 + 2 * 4 + 1) * 2, 'unknown = a queue at the threshold and a full cache');
  t.equal(stale, unknown, 'a stale scrape is unknown');
  t.ok(unknown > idle);
  const heavy = loadScore(replica('h', { weight: 2, inFlight: 3 }), ctx);
  t.equal(heavy, (3 + 1) / 2, 'weight divides the cost');
  t.equal(
    loadScore(replica('tgi', { engineLoad: { waiting: 0, running: 2, kvCacheUse: null, scrapedAt: NOW } }), ctx),
    3,
    'engines without a KV gauge (TGI) are scored on queue and batch',
  );
});

t.test('load-aware picks follow the scraped gauges', async (t) => {
  const idle = replica('idle');
  const busy = replica('busy', { engineLoad: { waiting: 3, running: 16, kvCacheUse: 0.95, scrapedAt: NOW } });
  t.same(distribution([idle, busy], context()), { idle: 1000 }, 'with two replicas the lighter always wins');
  const counts = distribution([idle, busy, replica('idle2')], context());
  t.equal(counts['busy'] ?? 0, 0, 'the busy one loses every comparison it is in');
  t.ok((counts['idle'] ?? 0) > 300 && (counts['idle2'] ?? 0) > 300, `idle replicas share the work ${JSON.stringify(counts)}`);
});

t.test('load-aware: in-flight counts, weighted', async (t) => {
  const light = replica('light', { inFlight: 1 });
  const loaded = replica('loaded', { inFlight: 6 });
  t.same(distribution([light, loaded], context()), { light: 1000 });
  const big = replica('big', { inFlight: 6, weight: 4 });
  t.same(distribution([light, big], context()), { big: 1000 }, '(6+1)/4 beats (1+1)/1');
});

t.test('load-aware: a slower replica must carry proportionally less load to win', async (t) => {
  const fast = replica('fast', { inFlight: 4, latency: { ewmaMs: 40, updatedAt: NOW } });
  const slowSameLoad = replica('slow', { inFlight: 4, latency: { ewmaMs: 120, updatedAt: NOW } });
  t.same(distribution([fast, slowSameLoad], context()), { fast: 1000 }, 'equal load: the slower one loses');
  const slowIdle = replica('slow', { inFlight: 0, latency: { ewmaMs: 120, updatedAt: NOW } });
  t.same(distribution([fast, slowIdle], context()), { slow: 1000 }, '1 × 120 < 5 × 40: an idle slow replica still beats a busy fast one');
  const unmeasured = replica('new', { inFlight: 2, latency: { ewmaMs: null, updatedAt: NOW } });
  t.same(distribution([fast, unmeasured], context()), { new: 1000 }, 'without a sample on both sides, load alone decides');
});

t.test('load-aware: one slow answer does not keep a replica out for good, its latency decays while it is not measured', async (t) => {
  const measured = replica('busy', { latency: { ewmaMs: 4.4, updatedAt: NOW } });
  const once = (ago: number) => replica('once-slow', { latency: { ewmaMs: 2000, updatedAt: NOW - ago } });
  t.same(distribution([measured, once(0)], context()), { busy: 1000 }, 'just measured slow: avoided');
  t.same(distribution([measured, once(90_000)], context()), { 'once-slow': 1000 }, 'unmeasured for 90 s: tried again');
  // Not decayed below half the rival's: a burst does not pile onto it before its next sample comes back.
  const busyAgain = replica('once-slow', { inFlight: 2, latency: { ewmaMs: 2000, updatedAt: NOW - 90_000 } });
  t.same(distribution([measured, busyAgain], context()), { busy: 1000 }, '(2+1) × 2.2 > 1 × 4.4');
});

t.test('filtering: unavailable and saturated replicas are skipped while others remain', async (t) => {
  const replicas = [replica('down', { healthy: false }), replica('ejected', { ejectedUntil: NOW + 10 }), replica('full', { inFlight: 10 }), replica('ok')];
  for (const strategy of ['load-aware', 'least-in-flight', 'round-robin'] as const) {
    t.same(distribution(replicas, context(strategy), 100), { ok: 100 }, strategy);
  }
});

t.test('panic mode: nothing eligible → the whole untried pool rather than failing', async (t) => {
  const replicas = [replica('a', { healthy: false }), replica('b', { ejectedUntil: NOW + 10 })];
  const result = pickReplica(replicas, new Set(), context());
  t.equal(result?.panic, true);
  t.ok(result !== null && ['a', 'b'].includes(result.replica.name));
  const onlyB = pickReplica(replicas, new Set([replicas[0] as Fake]), context());
  t.same([onlyB?.replica.name, onlyB?.panic], ['b', true], 'tried replicas stay excluded in panic');
});

t.test('a replica with a request on every connection is never picked, not even in panic', async (t) => {
  const replicas = [replica('a', { inFlight: 12 }), replica('b', { healthy: false, inFlight: 12 }), replica('c', { inFlight: 11 })];
  t.same(distribution(replicas, context()), { c: 1000 });
  t.same(pickReplica(replicas, new Set([replicas[2] as Fake]), context()), null);
});

t.test('tried replicas are never picked again; null when all were tried', async (t) => {
  const replicas = [replica('a'), replica('b'), replica('c')];
  const tried = new Set<Fake>();
  const order: string[] = [];
  for (let i = 0; i < 3; i++) {
    const result = pickReplica(replicas, tried, context());
    if (result === null) break;
    tried.add(result.replica);
    order.push(result.replica.name);
  }
  t.same([...order].sort(), ['a', 'b', 'c']);
  t.equal(pickReplica(replicas, tried, context()), null);
});

t.test('round-robin walks the ring from the cursor, skipping what cannot be used', async (t) => {
  const replicas = [replica('a'), replica('b', { healthy: false }), replica('c'), replica('d')];
  const picks = [0, 1, 2, 3, 4, 5].map((cursor) => pickReplica(replicas, new Set(), context('round-robin'), cursor));
  t.same(
    picks.map((p) => [p?.replica.name, p?.index]),
    [
      ['a', 0],
      ['c', 2],
      ['c', 2],
      ['d', 3],
      ['a', 0],
      ['c', 2],
    ],
  );
  const tried = new Set([replicas[0] as Fake]);
  t.equal(pickReplica(replicas, tried, context('round-robin'), 0)?.replica.name, 'c', 'a retry continues around the ring');
});

t.test('least-in-flight prefers the emptiest and spreads ties', async (t) => {
  const counts = distribution([replica('a', { inFlight: 2 }), replica('b', { inFlight: 1 }), replica('c', { inFlight: 1 })], context('least-in-flight'));
  t.equal(counts['a'] ?? 0, 0);
  t.ok((counts['b'] ?? 0) > 400 && (counts['c'] ?? 0) > 400, JSON.stringify(counts));
});

t.test('load-aware without gauges splits evenly between equal replicas', async (t) => {
  const replicas = [replica('a', { engineLoad: null }), replica('b', { engineLoad: null }), replica('c', { engineLoad: null })];
  const counts = distribution(replicas, context('load-aware', seeded(7)), 3000);
  for (const name of ['a', 'b', 'c']) t.ok((counts[name] ?? 0) > 800 && (counts[name] ?? 0) < 1200, `${name}: ${counts[name]}`);
});
