import t from 'tap';
import { RetryBudget } from './retry-budget.js';

function budget(budgetPercent: number, minRetriesPerSecond: number) {
  let now = 100_000;
  const b = new RetryBudget(() => now);
  const config = { budgetPercent, minRetriesPerSecond };
  return { b: { recordRequest: () => b.recordRequest(), tryRetry: () => b.tryRetry(config) }, advance: (ms: number) => void (now += ms) };
}

function retriesAllowed(b: { tryRetry(): boolean }, attempts: number): number {
  let allowed = 0;
  for (let i = 0; i < attempts; i++) if (b.tryRetry()) allowed++;
  return allowed;
}

t.test('retries are capped at a share of requests', async (t) => {
  const { b } = budget(20, 0);
  for (let i = 0; i < 100; i++) b.recordRequest();
  t.equal(retriesAllowed(b, 50), 20);
});

t.test('the floor allows retries on a quiet router', async (t) => {
  const { b } = budget(20, 1);
  b.recordRequest();
  t.equal(retriesAllowed(b, 50), 10, '1 per second over the 10 s window');
});

t.test('the window slides: old traffic and old retries age out', async (t) => {
  const { b, advance } = budget(50, 0);
  for (let i = 0; i < 10; i++) b.recordRequest();
  t.equal(retriesAllowed(b, 10), 5);
  advance(6_000);
  t.equal(retriesAllowed(b, 10), 0, 'half a window later both still count');
  for (let i = 0; i < 10; i++) b.recordRequest();
  t.equal(retriesAllowed(b, 10), 5, '20 requests, 5 retries spent: 5 more');
  advance(11_000);
  t.equal(retriesAllowed(b, 10), 0, 'a window later nothing is left to take a share of');
  for (let i = 0; i < 4; i++) b.recordRequest();
  t.equal(retriesAllowed(b, 10), 2);
});

t.test('budget 0 and floor 0 allow no retries', async (t) => {
  const { b } = budget(0, 0);
  for (let i = 0; i < 100; i++) b.recordRequest();
  t.equal(retriesAllowed(b, 10), 0);
});
