// The client's Anthropic protocol headers a native Messages attempt carries: anthropic-version and
// anthropic-beta as sent, nothing else (the key is the pool's).
import t from 'tap';
import { nativeHeaders } from './client-headers.js';

t.test('anthropic-version and anthropic-beta, as the client sent them', async (t) => {
  t.strictSame(nativeHeaders({ 'anthropic-version': '2023-06-01', 'anthropic-beta': 'a-2025-01-01,b-2025-02-02', 'x-api-key': 'sk', authorization: 'Bearer x', 'x-other': '1' }), {
    'anthropic-version': '2023-06-01',
    'anthropic-beta': 'a-2025-01-01,b-2025-02-02',
  });
  t.strictSame(nativeHeaders({ 'anthropic-beta': 'a-2025-01-01' }), { 'anthropic-beta': 'a-2025-01-01' });
  t.strictSame(nativeHeaders({ 'anthropic-version': '2026-10-21' }), { 'anthropic-version': '2026-10-21' });
});

t.test('none sent, or empty: undefined (the pool decides the version)', async (t) => {
  t.equal(nativeHeaders({}), undefined);
  t.equal(nativeHeaders({ 'anthropic-version': '', 'anthropic-beta': '  ' }), undefined);
});
