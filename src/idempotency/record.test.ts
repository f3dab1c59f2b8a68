// The record's state machine: absent → pending (claim) → done (finish) or absent (abandon); expiry
// returns any record to absent.
import t from 'tap';
import { claim, finish, live, mayAbandon, type IdempotencyRecord } from './record.js';

const NOW = 1_700_000_000_000;
const ANSWER = { status: 200, bytes: Buffer.from('{"id":"chatcmpl-1"}') };
const input = (overrides: Partial<{ fingerprint: string; owner: string; now: number }> = {}) => ({
  fingerprint: 'fp-1',
  owner: 'r1:req-1',
  now: NOW,
  pendingTtlMs: 1_000,
  ...overrides,
});

t.test('absent → pending: the first claim owns the key until its deadline', async (t) => {
  const { outcome, next } = claim(null, input());
  t.strictSame(outcome, { kind: 'claimed' });
  t.strictSame(next, { state: 'pending', fingerprint: 'fp-1', owner: 'r1:req-1', expiresAt: NOW + 1_000 });
});

t.test('pending: the same body waits, another body is a mismatch, an expired one is claimed anew', async (t) => {
  const pending = claim(null, input()).next;
  t.strictSame(claim(pending, input({ owner: 'r2:req-9', now: NOW + 10 })), { outcome: { kind: 'pending', expiresAt: NOW + 1_000 }, next: pending });
  t.strictSame(claim(pending, input({ fingerprint: 'fp-2', owner: 'r2:req-9', now: NOW + 10 })).outcome, { kind: 'mismatch' });
  const after = claim(pending, input({ owner: 'r2:req-9', now: NOW + 1_000 }));
  t.strictSame(after.outcome, { kind: 'claimed' }, 'a pending record past its deadline (its router died) frees the key');
  t.equal((after.next as { owner: string }).owner, 'r2:req-9');
});

t.test('pending → done: only the owner finishes, and only while its record lives', async (t) => {
  const pending = claim(null, input()).next;
  t.equal(finish(pending, 'r2:req-9', ANSWER, NOW + 5, 86_400_000), null, 'not the owner');
  t.equal(finish(pending, 'r1:req-1', ANSWER, NOW + 1_000, 86_400_000), null, 'past the pending deadline');
  t.equal(finish(null, 'r1:req-1', ANSWER, NOW + 5, 86_400_000), null, 'no record');
  const done = finish(pending, 'r1:req-1', ANSWER, NOW + 5, 86_400_000);
  t.strictSame(done, { state: 'done', fingerprint: 'fp-1', answer: ANSWER, storedAt: NOW + 5, expiresAt: NOW + 5 + 86_400_000 });
  t.equal(finish(done, 'r1:req-1', ANSWER, NOW + 6, 86_400_000), null, 'a done record is final');
});

t.test('done: the same body replays, another is a mismatch, after the TTL the key is new', async (t) => {
  const done = finish(claim(null, input()).next, 'r1:req-1', ANSWER, NOW + 5, 60_000);
  t.strictSame(claim(done, input({ owner: 'r3:req-2', now: NOW + 100 })).outcome, { kind: 'done', answer: ANSWER, storedAt: NOW + 5 });
  t.strictSame(claim(done, input({ fingerprint: 'fp-2', now: NOW + 100 })).outcome, { kind: 'mismatch' });
  t.strictSame(claim(done, input({ fingerprint: 'fp-2', now: NOW + 5 + 60_000 })).outcome, { kind: 'claimed' }, 'expired: any body may use it');
  t.equal(live(done, NOW + 5 + 60_000), null);
});

t.test('pending → absent: only the owner abandons, and never a done record', async (t) => {
  const pending: IdempotencyRecord | null = claim(null, input()).next;
  t.equal(mayAbandon(pending, 'r2:req-9', NOW + 1), false);
  t.equal(mayAbandon(pending, 'r1:req-1', NOW + 1), true);
  t.equal(mayAbandon(pending, 'r1:req-1', NOW + 1_000), false, 'expired: nothing left to abandon');
  const done = finish(pending, 'r1:req-1', ANSWER, NOW + 5, 60_000);
  t.equal(mayAbandon(done, 'r1:req-1', NOW + 6), false);
});
