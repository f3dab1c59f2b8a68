// The event-stream head on the wire: the constant members, the caller's, and those set before it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { writeHeadWith, writeSseHead } from './response-head.js';

t.test('writeSseHead sends the stream head, the given headers and those set earlier', async (t) => {
  const server = createServer((_req, res) => {
    res.setHeader('x-request-id', 'r1');
    writeSseHead(res, { 'x-switchyard-cache': 'hit', age: '3', 'x-switchyard-cost-usd': '0', skipped: undefined });
    res.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const names = ['x-request-id', 'x-switchyard-cache', 'age', 'x-switchyard-cost-usd', 'content-type', 'cache-control', 'x-accel-buffering', 'skipped'];
  t.strictSame(
    names.map((name) => res.headers.get(name)),
    ['r1', 'hit', '3', '0', 'text/event-stream; charset=utf-8', 'no-cache', 'no', null],
  );
  t.equal(res.status, 200);
  t.equal(await res.text(), 'data: [DONE]\n\n');
});

t.test('writeHeadWith: the given headers, then the own ones with the status, which win a clash', async (t) => {
  const server = createServer((_req, res) => {
    writeHeadWith(res, 201, { 'x-switchyard-cache': 'hit', 'content-type': 'text/plain' }, { 'content-type': 'application/json', 'content-length': 2 });
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  t.strictSame([res.status, res.headers.get('x-switchyard-cache'), res.headers.get('content-type'), res.headers.get('content-length')], [201, 'hit', 'application/json', '2']);
  t.equal(await res.text(), '{}');
});
