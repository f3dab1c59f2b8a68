// One suite of behaviours every BudgetStore must have, run against the memory store and a real Redis.
// Time is passed in explicitly (offsets from a minute start), never slept on.
import t from 'tap';
import { periodEnd } from './periods.js';
import { redisServerMissing } from '../../test/fixtures/redis-server.js';
import { keyRecord, memoryHarness, redisHarness, seeded, testBase, type StoreHarness } from './test-support.js';
import { hashKey } from './keys.js';
import type { BudgetStore } from './store.js';
import type { KeyLimits, Period, Reservation, ReserveOutcome, UsageSnapshot } from './types.js';

const TTL = 60_000;

function granted(outcome: ReserveOutcome): Reservation {
  if (!outcome.ok) throw new Error(`expected a reservation, got ${JSON.stringify(outcome)}`);
  return outcome.reservation;
}

function period(snapshot: UsageSnapshot | null, name: Period) {
  const found = snapshot?.tokens.find((p) => p.period === name);
  if (found === undefined) throw new Error(`no ${name} in ${JSON.stringify(snapshot)}`);
  return found;
}

async function used(store: BudgetStore, keyId: string, now: number, name: Period): Promise<[used: number, reserved: number]> {
  const p = period(await store.usage(keyId, now), name);
  return [p.used, p.reserved];
}

function contract(harness: StoreHarness): void {
  const base = testBase();
  t.test(`${harness.name}: store contract`, async (t) => {
    t.teardown(() => harness.close());
    /** Fresh stores with key k1 holding `limits`. */
    const open = async (limits: Partial<KeyLimits> = {}) => {
      const stores = await harness.open();
      await stores.store.putKey(keyRecord('k1', limits));
      return stores;
    };

    t.test('keys: CRUD, lookup by hash, rotation, refusals', async (t) => {
      const { store, peer } = await open();
      await store.putKey(keyRecord('k0', {}, { createdAt: '2023-06-01T00:00:00.000Z', metadata: { a: 'b' } }));
      t.same(
        (await peer.listKeys()).map((k) => k.id),
        ['k0', 'k1'],
        'oldest first, visible to the other router',
      );
      t.same(await peer.getKey('k0'), keyRecord('k0', {}, { createdAt: '2023-06-01T00:00:00.000Z', metadata: { a: 'b' } }));
      t.equal((await store.findKeyByHash(hashKey('secret-k1')))?.id, 'k1');
      t.equal(await store.findKeyByHash(hashKey('nobody')), null);
      t.equal(await store.getKey('missing'), null);
      // A key's generation (owner.ts) goes in and out with its record; a record without one stays without.
      await store.putKey(keyRecord('kg', {}, { generation: 'gen-1' }));
      t.strictSame([(await peer.getKey('kg'))?.generation, (await peer.findKeyByHash(hashKey('secret-kg')))?.generation], ['gen-1', 'gen-1']);
      t.equal((await peer.getKey('k0'))?.generation, undefined);
      // A reservation names the generation its caller read: another one's record (a key deleted and
      // created again, still in a router's lookup cache) reserves nothing on the key now under the id.
      t.match(await peer.reserve('kg', 1, base, TTL, 0, 'gen-0'), { ok: false, reason: 'unknown_key' });
      t.match(await peer.reserve('kg', 1, base, TTL), { ok: false, reason: 'unknown_key' });
      t.equal((await peer.reserve('kg', 1, base, TTL, 0, 'gen-1')).ok, true);
      t.same(await used(store, 'kg', base, 'day'), [0, 1], 'only the right generation reserved');
      t.equal(await store.deleteKey('kg'), true);

      await store.settle(granted(await store.reserve('k1', 10, base, TTL)), 7, base + 1);
      await store.putKey(keyRecord('k1', {}, { hash: hashKey('rotated'), name: 'renamed' }));
      t.same(await used(peer, 'k1', base + 2, 'day'), [7, 0], 'replacing a key keeps its usage');
      t.equal(await store.findKeyByHash(hashKey('secret-k1')), null, 'the old secret no longer resolves');
      t.equal((await store.findKeyByHash(hashKey('rotated')))?.name, 'renamed');
      await t.rejects(store.putKey(keyRecord('k0', {}, { hash: hashKey('rotated'), enabled: false })), /already belongs to key "k1"/);
      t.equal((await store.reserve('k0', 1, base + 2, TTL)).ok, true, 'a refused put changed nothing');
      await t.rejects(store.putKey(keyRecord('a}b')), RangeError);

      t.equal(await store.deleteKey('k1'), true);
      t.equal(await store.deleteKey('k1'), false);
      t.equal(await peer.getKey('k1'), null);
      t.equal(await peer.findKeyByHash(hashKey('rotated')), null);
      t.same(
        (await store.listKeys()).map((k) => k.id),
        ['k0'],
      );
      await store.putKey(keyRecord('k1'));
      t.same(await used(store, 'k1', base + 3, 'lifetime'), [0, 0], 'deleting a key dropped its usage');
      // A declared key leaving router.yaml keeps its usage and reservations for the same id to take up.
      const held = granted(await store.reserve('k1', 5, base + 3, TTL));
      await store.settle(granted(await store.reserve('k1', 10, base + 3, TTL)), 9, base + 3);
      t.equal(await store.deleteKey('k1', { keepUsage: true }), true);
      t.equal(await peer.getKey('k1'), null);
      t.equal((await store.reserve('k1', 1, base + 4, TTL)).ok, false, 'no key, no reservation');
      await store.putKey(keyRecord('k1'));
      t.same(await used(peer, 'k1', base + 4, 'lifetime'), [9, 5], 'usage and the reservation in flight kept');
      await store.settle(held, 4, base + 5);
      t.same(await used(peer, 'k1', base + 5, 'lifetime'), [13, 0], 'the request in flight settles into it');
    });

    const minuteLeft = (now: number) => (periodEnd('minute', now) ?? 0) - now;
    // The token fills are settled (spent), so the refusal is the limit's own; held fills are the next test's.
    const boundaries: [string, Partial<KeyLimits>, number[], number, object][] = [
      [
        'tokens per minute',
        { tokensPerMinute: 100 },
        [60, 40],
        1,
        { reason: 'tokens_per_minute', period: 'minute', limit: 100, remaining: 0, retryAfterMs: minuteLeft(base + 1500) },
      ],
      ['tokens per day', { tokensPerDay: 100 }, [99], 2, { reason: 'quota', period: 'day', limit: 100, remaining: 1, retryAfterMs: null }],
      ['tokens per month', { tokensPerMonth: 100 }, [100], 1, { reason: 'quota', period: 'month', limit: 100, remaining: 0, retryAfterMs: null }],
      ['tokens lifetime', { tokensLifetime: 100 }, [50, 50], 1, { reason: 'quota', period: 'lifetime', limit: 100, remaining: 0, retryAfterMs: null }],
      [
        'requests per minute',
        { requestsPerMinute: 3 },
        [0, 0, 0],
        0,
        { reason: 'requests_per_minute', period: 'minute', limit: 3, remaining: 0, retryAfterMs: minuteLeft(base + 1500) },
      ],
      ['concurrency', { maxConcurrent: 2 }, [0, 0], 0, { reason: 'concurrency', period: null, limit: 2, remaining: 0, retryAfterMs: null }],
      ['the tightest limit wins', { tokensPerDay: 1000, tokensPerMinute: 10, maxConcurrent: 9 }, [10], 1, { reason: 'tokens_per_minute' }],
    ];
    for (const [name, limits, fill, next, expected] of boundaries) {
      t.test(`limits: ${name} admits up to the boundary, then rejects`, async (t) => {
        const { store } = await open(limits);
        for (const tokens of fill) {
          const outcome = await store.reserve('k1', tokens, base + 1000, TTL);
          t.equal(outcome.ok, true, `reserve ${tokens}`);
          if (outcome.ok && tokens > 0) await store.settle(outcome.reservation, tokens, base + 1000);
        }
        const before = await store.usage('k1', base + 1500);
        t.match(await store.reserve('k1', next, base + 1500, TTL), { ok: false, ...expected });
        t.same(await store.usage('k1', base + 1500), before, 'a rejection changes nothing, not even the request count');
      });
    }

    t.test('keys: a create takes a free id only; an update lands only on the record it read', async (t) => {
      const { store, peer } = await open();
      t.equal(await store.putKey(keyRecord('c1'), { absent: true }), true, 'a free id');
      t.equal(await peer.putKey(keyRecord('c1', {}, { hash: hashKey('second') }), { absent: true }), false, 'taken: the second create writes nothing');
      t.equal((await store.findKeyByHash(hashKey('second')))?.id, undefined, "the losing create's secret does not resolve");
      const read = (await store.getKey('c1'))!;
      t.equal(await peer.putKey({ ...read, name: 'renamed by the other router' }, { current: read }), true, 'unchanged since read');
      t.equal(await store.putKey({ ...read, enabled: false }, { current: read }), false, 'changed since it was read: refused');
      t.equal((await store.getKey('c1'))?.name, 'renamed by the other router', 'the refused write changed nothing');
      t.equal((await store.reserve('c1', 1, base, TTL)).ok, true, 'nor the limits the reserve enforces');
      const now = (await peer.getKey('c1'))!;
      t.equal(await store.putKey({ ...now, enabled: false }, { current: now }), true, 'read again and applied');
      t.equal((await peer.reserve('c1', 1, base, TTL)).ok, false, 'the disable is enforced');
      t.equal(await peer.deleteKey('c1'), true);
      t.equal(await store.putKey({ ...now, name: 'revived?' }, { current: now }), false, 'an update of a deleted key does not bring it back');
      t.equal(await peer.getKey('c1'), null);
      t.equal((await peer.reserve('c1', 1, base, TTL)).ok, false);
    });

    t.test('a refusal says whether the budget is spent, or only held by reservations in flight', async (t) => {
      const { store, peer } = await open({ tokensLifetime: 100, tokensPerMinute: 1000 });
      const held = granted(await store.reserve('k1', 80, base + 1000, TTL));
      const before = await store.usage('k1', base + 1500);
      // 0 used + 30 fits the limit: only the 80 in flight block it, and they may settle for less.
      t.match(await peer.reserve('k1', 30, base + 1500, TTL), { ok: false, reason: 'in_flight', period: 'lifetime', limit: 100, remaining: 20, retryAfterMs: 1000 });
      t.same(await store.usage('k1', base + 1500), before, 'a rejection changes nothing');
      t.match(await peer.reserve('k1', 101, base + 1500, TTL), { ok: false, reason: 'quota', period: 'lifetime' }, 'more than the whole budget is quota');
      await store.settle(held, 75, base + 1600);
      t.match(
        await peer.reserve('k1', 30, base + 1700, TTL),
        { ok: false, reason: 'quota', period: 'lifetime', limit: 100, remaining: 25, retryAfterMs: null },
        'spent: 75 used + 30 > 100',
      );
      const fits = granted(await peer.reserve('k1', 20, base + 1800, TTL));
      t.match(await store.reserve('k1', 6, base + 1900, TTL), { ok: false, reason: 'in_flight' }, '75 used + 6 fits; the 20 in flight block it');
      await store.settle(fits, 0, base + 2000);
      t.equal((await store.reserve('k1', 25, base + 2100, TTL)).ok, true, 'released: exactly to the limit');
    });

    t.test('a spent period is the refusal even when an earlier one is only held', async (t) => {
      const { store } = await open({ tokensPerMinute: 20, tokensLifetime: 50 });
      for (const minute of [0, 1]) await store.settle(granted(await store.reserve('k1', 20, base + minute * 60_000, TTL)), 20, base + minute * 60_000 + 1);
      granted(await store.reserve('k1', 8, base + 120_000, TTL));
      // minute: 0 used + 15 fits, 8 held block it; lifetime: 40 used + 15 > 50 is spent.
      t.match(await store.reserve('k1', 15, base + 120_001, TTL), { ok: false, reason: 'quota', period: 'lifetime', retryAfterMs: null });
      t.match(
        await store.reserve('k1', 10, base + 120_002, TTL),
        { ok: false, reason: 'in_flight', period: 'lifetime', retryAfterMs: 1000 },
        '40 used + 10 fits; the 8 held block it',
      );
    });

    t.test('reserve: snapshot of the limited periods only', async (t) => {
      const { store } = await open({ tokensPerMinute: 100, requestsPerMinute: 5 });
      const outcome = await store.reserve('k1', 60, base + 1000, TTL);
      t.same(outcome.ok && outcome.snapshot, {
        tokens: [{ period: 'minute', limit: 100, used: 0, reserved: 60, remaining: 40, resetAt: base + 60_000 }],
        usd: [],
        requests: { limit: 5, used: 1, remaining: 4, resetAt: base + 60_000 },
        concurrency: null,
      });
      t.match(outcome, { ok: true, reservation: { keyId: 'k1', tokens: 60, expiresAt: base + 1000 + TTL } });
    });

    t.test('settle: charges actual, releases the rest, idempotent; above the reservation too', async (t) => {
      const { store, peer } = await open({ tokensPerDay: 1000, maxConcurrent: 5 });
      const first = granted(await store.reserve('k1', 500, base, TTL));
      t.equal(await peer.settle(first, 200, base + 10), 'settled');
      t.same(await used(store, 'k1', base + 20, 'day'), [200, 0]);
      t.equal(await store.settle(first, 200, base + 30), 'already_settled');
      t.equal(await peer.settle(first, 999, base + 30), 'already_settled');
      t.same(await used(store, 'k1', base + 40, 'day'), [200, 0], 'a repeat changes nothing');
      const second = granted(await store.reserve('k1', 100, base + 50, TTL));
      t.equal(await store.settle(second, 150, base + 60), 'settled', 'usage is never lost');
      const usage = await store.usage('k1', base + 70);
      t.same([period(usage, 'day').used, period(usage, 'lifetime').used, usage?.concurrency?.active], [350, 350, 0]);
    });

    t.test('settle after a minute boundary charges the bucket the reservation was made in', async (t) => {
      const { store } = await open({ tokensPerMinute: 100 });
      const early = granted(await store.reserve('k1', 80, base + 59_900, TTL));
      t.equal((await store.reserve('k1', 100, base + 60_050, TTL)).ok, true, 'the new minute has its full budget');
      await store.settle(early, 70, base + 60_100);
      t.same(await used(store, 'k1', base + 59_950, 'minute'), [70, 0], 'charged to the old minute');
      t.same(await used(store, 'k1', base + 60_150, 'minute'), [0, 100], 'the new minute only holds the new reservation');
      t.same(await used(store, 'k1', base + 60_150, 'day'), [70, 100]);
    });

    t.test('expired reservations are reclaimed; a late settle still charges', async (t) => {
      const { store } = await open({ maxConcurrent: 1, tokensPerMinute: 100 });
      const dead = granted(await store.reserve('k1', 90, base, 1000));
      t.match(await store.reserve('k1', 10, base + 999, 1000), { ok: false, reason: 'concurrency' });
      const next = granted(await store.reserve('k1', 100, base + 1000, 1000));
      t.same(await used(store, 'k1', base + 1001, 'minute'), [0, 100], 'the dead reservation released its tokens');
      t.equal(await store.settle(dead, 30, base + 1500), 'settled_after_reclaim');
      t.equal(await store.settle(dead, 30, base + 1600), 'already_settled');
      t.equal(await store.settle(next, 5, base + 1700), 'settled');
      t.same(await used(store, 'k1', base + 1800, 'minute'), [35, 0]);
    });

    t.test('topUp grows a live reservation within the limits, and keeps it alive', async (t) => {
      const { store, peer } = await open({ tokensPerMinute: 100 });
      const r = granted(await store.reserve('k1', 50, base, 1000));
      t.equal(await store.topUp(r, 30, base + 900), true);
      t.equal(await store.topUp(r, 21, base + 910), false, 'would exceed by one');
      t.equal(await store.topUp(r, 20, base + 920), true, 'exactly to the limit');
      t.same(await used(store, 'k1', base + 1500, 'minute'), [0, 100], 'alive past its first deadline');
      t.equal(await store.settle(r, 90, base + 1600), 'settled');
      t.same(await used(store, 'k1', base + 1700, 'minute'), [90, 0], 'the top-ups are released too');
      t.equal(await store.topUp(r, 1, base + 1800), false, 'a settled reservation cannot grow');
      const r2 = granted(await store.reserve('k1', 5, base + 1900, 1000));
      await peer.putKey(keyRecord('k1', { tokensPerMinute: 100 }, { enabled: false }));
      t.equal(await store.topUp(r2, 1, base + 2000), false, 'a disabled key cannot grow');
      t.same(await used(store, 'k1', base + 2100, 'minute'), [90, 5]);
    });

    t.test('usage lists every period; resetUsage zeroes it, and requests in flight keep their reservations and settle as usual', async (t) => {
      const { store } = await open({ tokensPerDay: 1000 });
      t.equal(await store.usage('missing', base), null);
      const fresh = await store.usage('k1', base);
      t.same(
        fresh?.tokens.map((p) => [p.period, p.limit, p.remaining]),
        [
          ['minute', null, null],
          ['day', 1000, 1000],
          ['month', null, null],
          ['lifetime', null, null],
        ],
      );
      t.same([fresh?.requests?.limit, fresh?.concurrency], [null, { limit: null, active: 0, remaining: null }]);
      const done = granted(await store.reserve('k1', 100, base, TTL));
      await store.settle(done, 100, base + 1);
      const inFlight = granted(await store.reserve('k1', 200, base + 2, TTL));
      await store.resetUsage('k1');
      const reset = await store.usage('k1', base + 3);
      // What is in flight still counts: a reset is no way past a limit or maxConcurrent while it runs.
      t.same([period(reset, 'day').used, period(reset, 'day').reserved, period(reset, 'lifetime').used, reset?.requests?.used, reset?.concurrency?.active], [0, 200, 0, 0, 1]);
      t.match(await store.reserve('k1', 801, base + 3, TTL), { ok: false, reason: 'in_flight' });
      t.equal(await store.topUp(inFlight, 10, base + 3), true, 'a stream in flight still tops up');
      t.equal(await store.settle(inFlight, 150, base + 4), 'settled');
      t.same(await used(store, 'k1', base + 5, 'day'), [150, 0]);
    });

    t.test('disabled, unknown and re-limited keys, as changed by another router', async (t) => {
      const { store, peer } = await open({ tokensPerMinute: 100 });
      await peer.putKey(keyRecord('k1', { tokensPerMinute: 100 }, { enabled: false }));
      t.match(await store.reserve('k1', 1, base, TTL), { ok: false, reason: 'disabled', period: null, retryAfterMs: null });
      t.match(await store.reserve('nope', 1, base, TTL), { ok: false, reason: 'unknown_key' });
      t.match(await store.reserve('a}b', 1, base, TTL), { ok: false, reason: 'unknown_key' });
      await peer.putKey(keyRecord('k1', { tokensPerMinute: 10 }));
      t.match(await store.reserve('k1', 11, base, TTL), { ok: false, reason: 'tokens_per_minute', limit: 10 });
      t.equal((await store.reserve('k1', 10, base, TTL)).ok, true);
      await t.rejects(store.reserve('k1', -1, base, TTL), RangeError);
      await t.rejects(store.reserve('k1', 1.5, base, TTL), RangeError);
    });

    // Dollar budgets: decimal USD in the key's limits, nano-USD in reservations, settles and snapshots.
    t.test('dollars: reserve, refuse naming usd (spent or in flight), settle, and the snapshot', async (t) => {
      const { store, peer } = await open({ usdPerDay: 0.001, tokensPerDay: 1_000_000 });
      const first = granted(await store.reserve('k1', 10, base + 1000, TTL, 600_000));
      t.equal(first.nanoUsd, 600_000);
      const before = await store.usage('k1', base + 1100);
      t.match(
        await peer.reserve('k1', 10, base + 1100, TTL, 500_000),
        { ok: false, reason: 'in_flight', unit: 'usd', period: 'day', limit: 1_000_000, remaining: 400_000, retryAfterMs: 1000 },
        '0 spent + $0.0005 fits; the $0.0006 in flight blocks it',
      );
      t.same(await store.usage('k1', base + 1100), before, 'a rejection changes nothing');
      t.equal(await peer.settle(first, 8, base + 1200, 600_000), 'settled');
      t.match(await store.reserve('k1', 10, base + 1300, TTL, 400_001), { ok: false, reason: 'quota', unit: 'usd', period: 'day', remaining: 400_000, retryAfterMs: null });
      const second = await store.reserve('k1', 10, base + 1400, TTL, 400_000);
      t.same(second.ok && second.snapshot.usd, [{ period: 'day', limit: 1_000_000, used: 600_000, reserved: 400_000, remaining: 0, resetAt: periodEnd('day', base) }]);
      t.same(second.ok && second.snapshot.tokens.map((p) => [p.period, p.used, p.reserved]), [['day', 8, 10]], 'tokens are counted beside dollars');
      if (second.ok) t.equal(await store.settle(second.reservation, 10, base + 1500, 123), 'settled');
      const usage = await peer.usage('k1', base + 1600);
      t.same(
        usage?.usd.map((p) => [p.period, p.limit, p.used, p.reserved, p.remaining]),
        [
          ['day', 1_000_000, 600_123, 0, 399_877],
          ['month', null, 600_123, 0, null],
          ['lifetime', null, 600_123, 0, null],
        ],
        'every dollar period, the minute left out',
      );
      t.match(await store.reserve('k1', 0, base + 1700, TTL, 0), { ok: true }, 'a request on unpriced pools reserves no dollars');
    });

    t.test('dollars: topUp within the dollar limit; reclaim and reset release dollars; a late settle still charges them', async (t) => {
      const { store, peer } = await open({ usdLifetime: 0.000001, usdPerMonth: 1 });
      const r = granted(await store.reserve('k1', 5, base, 1000, 600));
      t.equal(await store.topUp(r, 5, base + 100, 300), true);
      t.equal(await peer.topUp(r, 5, base + 200, 101), false, 'one nano-USD over');
      t.equal(await peer.topUp(r, 5, base + 300, 100), true, 'exactly to the limit');
      t.match(await store.reserve('k1', 1, base + 400, 1000, 1), { ok: false, reason: 'in_flight', unit: 'usd', period: 'lifetime' });
      // Past its (extended) expiry the reservation is reclaimed: its dollars are free again.
      t.match(await store.reserve('k1', 1, base + 1400, 1000, 1000), { ok: true });
      t.equal(await peer.settle(r, 15, base + 1500, 700), 'settled_after_reclaim');
      const usage = await store.usage('k1', base + 1600);
      t.same(
        usage?.usd.find((p) => p.period === 'lifetime'),
        { period: 'lifetime', limit: 1000, used: 700, reserved: 1000, remaining: 0, resetAt: null },
      );
      await store.resetUsage('k1');
      t.same(
        (await peer.usage('k1', base + 1700))?.usd.map((p) => [p.used, p.reserved]),
        [
          [0, 1000],
          [0, 1000],
          [0, 1000],
        ],
        'reset zeroes dollars used too; the reservation in flight keeps what it holds',
      );
    });

    t.test('dollars: no overspend under concurrency, across two routers (strict: settles never above the reservation)', async (t) => {
      const limitNano = 2_000_000;
      const { store, peer } = await open({ usdPerDay: limitNano / 1e9 });
      const random = seeded(11);
      const sizes = Array.from({ length: 400 }, () => 1 + Math.floor(random() * 20_000));
      const settled = await Promise.all(
        sizes.map(async (nano, i) => {
          const outcome = await (i % 2 ? peer : store).reserve('k1', 1, base + i, TTL, nano);
          if (!outcome.ok) return 0;
          const actual = Math.floor(random() * (nano + 1));
          await (i % 3 ? store : peer).settle(outcome.reservation, 1, base + i + 1, actual);
          return actual;
        }),
      );
      const total = settled.reduce((sum, n) => sum + n, 0);
      // Settles charge a random share of each reservation (half, on average), and when every reservation
      // lands before the first settle, about half the budget is spent: a quarter is the floor asserted.
      t.ok(settled.some((n) => n === 0) && total > limitNano / 4, `some refused, a good part of the budget spent (${total})`);
      t.ok(total <= limitNano, `spent ${total} <= ${limitNano} nano-USD`);
      const day = (await store.usage('k1', base + 5000))?.usd.find((p) => p.period === 'day');
      t.same([day?.used, day?.reserved], [total, 0], 'the store charged exactly the settled dollars');
    });

    t.test('no overspend under concurrency, across two routers', async (t) => {
      const limit = 5000;
      const { store, peer } = await open({ tokensPerDay: limit, tokensPerMinute: limit + 1 });
      const random = seeded(7);
      const sizes = Array.from({ length: 500 }, () => 1 + Math.floor(random() * 100));
      const outcomes = await Promise.all(sizes.map((n, i) => (i % 2 ? peer : store).reserve('k1', n, base + i, TTL)));
      const reservations = outcomes.flatMap((o) => (o.ok ? [o.reservation] : []));
      const reserved = reservations.reduce((sum, r) => sum + r.tokens, 0);
      const smallestRejected = Math.min(...sizes.filter((_, i) => !outcomes[i]?.ok));
      t.ok(reservations.length > 0 && reservations.length < sizes.length, 'some granted, some rejected');
      t.ok(reserved <= limit, `reserved ${reserved} <= ${limit}`);
      t.ok(reserved + smallestRejected > limit, 'nothing was rejected that would have fitted');
      const actuals = reservations.map((r) => Math.floor(random() * (r.tokens + 1)));
      await Promise.all(reservations.map((r, i) => (i % 2 ? store : peer).settle(r, actuals[i] ?? 0, base + 1000)));
      const charged = actuals.reduce((sum, n) => sum + n, 0);
      t.same(await used(store, 'k1', base + 2000, 'day'), [charged, 0], `charged ${charged}, the sum of the actuals`);

      // Reserve and settle interleaved: every task settles while others are still reserving.
      await store.putKey(keyRecord('k2', { tokensLifetime: limit }));
      const settled = await Promise.all(
        sizes.map(async (n, i) => {
          const outcome = await (i % 2 ? peer : store).reserve('k2', n, base + i, TTL);
          if (!outcome.ok) return 0;
          const actual = Math.floor(random() * (n + 1));
          await (i % 3 ? store : peer).settle(outcome.reservation, actual, base + i + 1);
          return actual;
        }),
      );
      const total = settled.reduce((sum, n) => sum + n, 0);
      t.ok(total <= limit);
      t.same(await used(store, 'k2', base + 3000, 'lifetime'), [total, 0]);
    });
  });
}

contract(memoryHarness());
// The Redis half needs redis-server; without one it is skipped, saying why (or fails, in CI).
const redisMissing = redisServerMissing();
if (redisMissing === null) contract(await redisHarness());
else t.test('redis: store contract', { skip: redisMissing }, () => {});
