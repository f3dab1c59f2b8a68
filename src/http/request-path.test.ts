// requestPath must agree with koa's ctx.path on every target, or a request could reach neither the lane
// nor an inference route (koa has none), or be matched by the lane under a spelling koa would not match.
import type { IncomingMessage, ServerResponse } from 'node:http';
import Koa from 'koa';
import t from 'tap';
import { requestPath } from './request-path.js';

const koa = new Koa();

/** koa's own answer, from a context over a request that has only a target. */
function koaPath(target: string): string | null {
  const ctx = koa.createContext({ url: target, headers: {}, method: 'POST', socket: {} } as unknown as IncomingMessage, {} as ServerResponse);
  try {
    return ctx.path;
  } catch {
    return null;
  }
}

const TARGETS = [
  '/v1/chat/completions',
  '/v1/chat/completions?x=1',
  '/v1/chat/completions?x=1?y=2',
  '/v1/chat/completions#frag',
  '/v1/chat/completions?a=1#frag',
  '/v1/chat/completions/',
  '/V1/chat/completions',
  '//v1/chat/completions',
  '/v1//chat/completions',
  '/v1/./chat/completions',
  '/%76%31/chat/completions',
  '/v1/chat/completions%20',
  '/v1/chat/completions;x',
  '/v1\\chat/completions',
  '/v1\\chat/completions#x',
  '/v1/chat/completions\u00a0',
  '/v1/chat/completions\ufeff',
  'http://127.0.0.1:8080/v1/chat/completions',
  'http://127.0.0.1:8080/v1/chat/completions?stream=1',
  'HTTP://127.0.0.1:8080/V1/CHAT/COMPLETIONS',
  'http://127.0.0.1:8080//v1/chat/completions',
  'http://127.0.0.1:8080',
  'http://%zz@127.0.0.1/v1/chat/completions',
  '*',
  '',
  '?x=1',
];

t.test('the path koa would route on, for every spelling', async (t) => {
  for (const target of TARGETS) t.strictSame(requestPath(target), koaPath(target), JSON.stringify(target));
});

t.test('exact values for the common shapes', async (t) => {
  t.strictSame(requestPath('/v1/embeddings'), '/v1/embeddings');
  t.strictSame(requestPath('/v1/embeddings?x=1#y'), '/v1/embeddings');
  t.strictSame(requestPath('http://h:1/v1/embeddings?x=1'), '/v1/embeddings');
  t.strictSame(requestPath('http://%zz@h/v1/embeddings'), null);
});
