import t from 'tap';
import type { Dispatcher } from 'undici';
import { AbortSwitch } from './abort-switch.js';
import { StreamedResponse } from './streamed-response.js';

/** undici's side of the exchange: what the handler asked of the upstream socket. */
function fakeController() {
  const calls: string[] = [];
  const controller = {
    paused: false,
    aborted: false,
    reason: null as Error | null,
    pause() {
      this.paused = true;
      calls.push('pause');
    },
    resume() {
      this.paused = false;
      calls.push('resume');
    },
    abort(reason: Error) {
      this.aborted = true;
      this.reason = reason;
      calls.push(`abort: ${reason.message}`);
    },
  };
  return { controller, typed: controller as unknown as Dispatcher.DispatchController, calls };
}

function started(lifetime = new AbortSwitch()) {
  const response = new StreamedResponse(lifetime);
  const fake = fakeController();
  response.onRequestStart(fake.typed);
  response.onResponseStart(fake.typed, 200, { 'content-type': 'text/event-stream' });
  return { response, ...fake };
}

t.test('chunks are read in the order they arrived, then null at the end', async (t) => {
  const { response, typed } = started();
  await response.started;
  t.equal(response.statusCode, 200);
  t.same(response.headers, { 'content-type': 'text/event-stream' });
  response.onResponseData(typed, Buffer.from('one'));
  const waiting = response.read();
  response.onResponseData(typed, Buffer.from('two'));
  response.onResponseData(typed, Buffer.from('three'));
  response.onResponseEnd();
  const read: (string | null)[] = [String(await waiting)];
  for (let i = 0; i < 3; i++) read.push((await response.read())?.toString() ?? null);
  t.same(read, ['one', 'two', 'three', null]);
});

t.test('a reader waiting for data gets the next chunk, or null when the body ends', async (t) => {
  const { response, typed } = started();
  const first = response.read();
  response.onResponseData(typed, Buffer.from('late'));
  t.equal(String(await first), 'late');
  const last = response.read();
  response.onResponseEnd();
  t.equal(await last, null);
});

t.test('past 64 KB unread the upstream is paused, and resumed once the reader catches up', async (t) => {
  const { response, typed, calls } = started();
  const chunk = Buffer.alloc(16 * 1024, 'x');
  for (let i = 0; i < 4; i++) response.onResponseData(typed, chunk);
  t.same(calls, [], '64 KB unread: still flowing');
  response.onResponseData(typed, chunk);
  response.onResponseData(typed, chunk);
  t.same(calls, ['pause'], 'over the mark: paused once');
  await response.read();
  t.same(calls, ['pause'], 'still over the mark after one read');
  await response.read();
  t.same(calls, ['pause', 'resume'], 'back at the mark: resumed');
});

t.test('an upstream error reaches whoever waits: the start, a pending read, later reads', async (t) => {
  const early = new StreamedResponse(new AbortSwitch());
  const fake = fakeController();
  early.onRequestStart(fake.typed);
  early.onResponseError(fake.typed, new Error('connection refused'));
  await t.rejects(early.started, /connection refused/);

  const { response, typed } = started();
  const pending = response.read();
  response.onResponseError(typed, new Error('socket hang up'));
  await t.rejects(pending, /socket hang up/);
  await t.rejects(response.read(), /socket hang up/);
});

t.test("the attempt's switch aborts the upstream request with its reason, until the exchange is over", async (t) => {
  const lifetime = new AbortSwitch();
  const { calls } = started(lifetime);
  lifetime.abort(new Error('client went away'));
  t.same(calls, ['abort: client went away']);

  const later = new AbortSwitch();
  const over = started(later);
  over.response.onResponseEnd();
  later.abort(new Error('too late'));
  t.same(over.calls, [], 'an ended exchange is not aborted');
  t.equal(later.listenerCount('abort'), 0, 'and holds no listener');
});

t.test('text() collects the rest of an error answer; dump() drains it', async (t) => {
  const { response, typed } = started();
  response.onResponseData(typed, Buffer.from('{"error":'));
  setImmediate(() => {
    response.onResponseData(typed, Buffer.from('"busy"}'));
    response.onResponseEnd();
  });
  t.equal(await response.text(), '{"error":"busy"}');

  const other = started();
  other.response.onResponseData(other.typed, Buffer.from('ignored'));
  other.response.onResponseEnd();
  await other.response.dump();
  t.equal(await other.response.read(), null);
});

t.test('thrown while undici has not started the request (it waits for a connection): it fails at once, and is cancelled when started', async (t) => {
  const lifetime = new AbortSwitch();
  const response = new StreamedResponse(lifetime);
  const stalled = new Error('Replica r did not start answering within 100 ms.');
  lifetime.abort(stalled);
  await t.rejects(response.started, stalled, 'the relay hears of it without waiting for a connection');
  await t.rejects(response.read(), stalled);
  const fake = fakeController();
  response.onRequestStart(fake.typed);
  t.strictSame(fake.calls, [`abort: ${stalled.message}`], 'the request is cancelled as soon as a connection takes it');
  response.onResponseError(fake.typed, new Error('aborted by undici'));
  await t.rejects(response.read(), stalled, 'the first reason stands');
});

t.test('text() reads an error answer up to 64 KiB, not the whole of a flood', async (t) => {
  const { response, typed } = started();
  const kib = Buffer.alloc(1024, 0x61);
  for (let i = 0; i < 200; i++) response.onResponseData(typed, kib);
  const text = await response.text();
  t.equal(text.length, 64 * 1024);
});
