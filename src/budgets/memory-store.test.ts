// The memory store's own promise: its memory stays bounded however long a key is used.
import t from 'tap';
import { MemoryBudgetStore } from './memory-store.js';
import { keyRecord, testBase } from './test-support.js';

t.test('old buckets and reclaim records are pruned as time passes', async (t) => {
  const store = new MemoryBudgetStore();
  await store.putKey(keyRecord('k1', { tokensPerMinute: 1000, tokensPerDay: 100_000 }));
  const base = testBase();
  // Three days of one request a minute, and one abandoned reservation every hour.
  for (let minute = 0; minute < 3 * 24 * 60; minute++) {
    const now = base + minute * 60_000;
    const outcome = await store.reserve('k1', 10, now, 30_000);
    if (outcome.ok && minute % 60 !== 0) await store.settle(outcome.reservation, 5, now + 1);
  }
  const stats = store.stats();
  // Minute buckets within the 10-minute grace, plus this and maybe last day and month, plus lifetime.
  t.ok(stats.buckets <= 11 + 2 + 2 + 1, `buckets ${stats.buckets}`);
  t.ok(stats.reclaimed <= 25, `reclaimed ${stats.reclaimed} (a day's worth at most)`);
  t.equal(stats.reservations, 0);
  const usage = await store.usage('k1', base + 3 * 24 * 60 * 60_000);
  t.equal(usage?.tokens.find((p) => p.period === 'lifetime')?.used, 5 * (3 * 24 * 60 - 3 * 24));
});
