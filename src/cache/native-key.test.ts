import t from 'tap';
import type { NativeRequest } from '../protocols/protocol.js';
import { nativeRequestKey } from './native-key.js';
import { canonicalBody, requestKey } from './request-key.js';

const messages = (body: Record<string, unknown>, headers?: Record<string, string>): NativeRequest => ({
  api: 'messages',
  path: '/v1/messages',
  body,
  ...(headers === undefined ? {} : { headers }),
});
const BODY = { model: 'claude', max_tokens: 16, temperature: 0, messages: [{ role: 'user', content: 'hi' }] };
const key = (native: NativeRequest, scope = 'key:a'): string => nativeRequestKey({ scope, native, alias: 'chat', tier: 'small' });

t.test('equal bodies hit whatever their order, model or transport fields', async (t) => {
  const base = key(messages(BODY));
  t.match(base, /^[0-9a-f]{64}$/);
  t.equal(key(messages({ messages: [{ content: 'hi', role: 'user' }], temperature: 0, max_tokens: 16, model: 'claude-other', stream: true })), base);
  t.equal(key(messages({ ...BODY, stop_sequences: null })), base, 'a top-level null is the default');
});

t.test('everything else the engine gets makes another key', async (t) => {
  const base = key(messages(BODY));
  const cached = { ...BODY, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] }] };
  for (const [what, other] of [
    ['cache_control (the chat translation drops it)', key(messages(cached))],
    ['metadata (a Response echoes it)', key(messages({ ...BODY, metadata: { user_id: 'u' } }))],
    ['the anthropic-beta header', key(messages(BODY, { 'anthropic-beta': 'x' }))],
    ['the scope', key(messages(BODY), 'shared')],
    ['the API', key({ api: 'responses', path: '/v1/responses', body: BODY })],
  ] as const)
    t.not(other, base, what);
});

t.test('a native key is never a chat key of the same body', async (t) => {
  t.not(key(messages(BODY)), requestKey({ scope: 'key:a', endpoint: 'chat', alias: 'chat', tier: 'small', body: canonicalBody(BODY) }));
});
