// A whole answer is held in memory to be relayed at once: an engine that never stops sending must not
// fill the router's heap. (The same 1 MiB chunk, given again and again, stands for a flood.)
import t from 'tap';
import type { Dispatcher } from 'undici';
import { AbortSwitch } from './abort-switch.js';
import { MAX_WHOLE_BYTES, WholeResponseHandler } from './whole-response.js';

t.test('an answer past MAX_WHOLE_BYTES is cut and fails as the replica’s error', async (t) => {
  const handler = new WholeResponseHandler(new AbortSwitch());
  const aborted: Error[] = [];
  const controller = { paused: false, aborted: false, reason: null, abort: (reason: Error) => void aborted.push(reason), pause() {}, resume() {} };
  const typed = controller as unknown as Dispatcher.DispatchController;
  handler.onRequestStart(typed);
  handler.onResponseStart(typed, 200, { 'content-type': 'application/json' });
  const mib = Buffer.alloc(1024 * 1024, 0x20);
  for (let sent = 0; sent <= MAX_WHOLE_BYTES && aborted.length === 0; sent += mib.length) handler.onResponseData(typed, mib);
  t.equal(aborted.length, 1, 'cut once it went past the bound');
  t.match(aborted[0], { kind: 'upstream_error', message: /larger than 256 MiB/ });
  handler.onResponseError(typed, aborted[0]!);
  const failed = await handler.done.then(
    () => null,
    (error: unknown) => error,
  );
  t.equal(failed, aborted[0], 'the answer fails with that error');
});
