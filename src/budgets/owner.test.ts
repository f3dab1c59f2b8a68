// The scopes stored responses, cache entries and idempotency records are kept under: exact strings,
// since records written by older routers are found by them.
import t from 'tap';
import { idempotencyScope, ownerScope } from './owner.js';
import { keyRecord } from './test-support.js';

t.test('a key without a generation keeps the scopes of before: key:<id>, and the bare id for idempotency', async (t) => {
  t.strictSame([ownerScope(keyRecord('team')), idempotencyScope(keyRecord('team'))], ['key:team', 'team']);
  t.strictSame([ownerScope(keyRecord('cfg', {}, { source: 'config' })), idempotencyScope(keyRecord('cfg', {}, { source: 'config' }))], ['key:cfg', 'cfg']);
});

t.test('anonymous callers share anon; a key named anon does not share it', async (t) => {
  t.strictSame([ownerScope(null), idempotencyScope(null)], ['anon', 'anon']);
  t.strictSame([ownerScope(keyRecord('anon')), idempotencyScope(keyRecord('anon'))], ['key:anon', 'key:anon']);
});

t.test('a key with a generation is scoped by it: the same id created again is another owner everywhere', async (t) => {
  const first = keyRecord('key_reused', {}, { generation: 'AAAAAAAAAAAAAAAA' });
  const again = keyRecord('key_reused', {}, { generation: 'BBBBBBBBBBBBBBBB' });
  t.strictSame([ownerScope(first), idempotencyScope(first)], ['key:key_reused:AAAAAAAAAAAAAAAA', 'key:key_reused:AAAAAAAAAAAAAAAA']);
  t.not(ownerScope(again), ownerScope(first));
  t.not(idempotencyScope(again), idempotencyScope(first));
  t.not(ownerScope(first), ownerScope(keyRecord('key_reused')), 'nor the same id without one');
  t.not(idempotencyScope(first), idempotencyScope(keyRecord('key_reused')));
});
