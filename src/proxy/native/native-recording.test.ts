// A native answer's copy: whole when the relay completed it, nothing when it failed or outgrew its bound.
import t from 'tap';
import { NativeRecording } from './native-recording.js';

t.test('a stream is kept as written, once complete; a JSON body at once', async (t) => {
  const recording = new NativeRecording(100);
  const chunk = Buffer.from('event: a\ndata: {}\n\n');
  recording.write(chunk);
  chunk.fill(0x20);
  recording.write('event: b\ndata: {}\n\n');
  t.equal(recording.body(), null, 'not before its end');
  recording.complete();
  t.equal(recording.body()?.toString(), 'event: a\ndata: {}\n\nevent: b\ndata: {}\n\n', "a copy: the relay's buffers may be reused");
  t.equal(recording.stream, true);
  const json = new NativeRecording(100);
  json.json(Buffer.from('{"id":"msg_1"}'));
  t.strictSame([json.body()?.toString(), json.stream], ['{"id":"msg_1"}', false]);
});

t.test('a failed or oversized answer is not kept, even if the relay completes it after', async (t) => {
  const failed = new NativeRecording(100);
  failed.write('data: {}\n\n');
  failed.fail();
  failed.complete();
  t.equal(failed.body(), null);
  const large = new NativeRecording(10);
  large.write('data: {"a":1}\n\n');
  large.complete();
  t.equal(large.body(), null, 'dropped whole, never truncated');
});

t.test('widened for the response cache: it keeps up to the larger bound, and says when it outgrew it', async (t) => {
  const shared = new NativeRecording(10);
  shared.widen(100);
  shared.widen(50);
  shared.write('data: {"a":1}\n\n');
  shared.complete();
  t.equal(shared.body()?.toString(), 'data: {"a":1}\n\n', 'past the first bound, within the wider one');
  t.equal(shared.overflowed, false);
  const over = new NativeRecording(10);
  over.write('data: {"a":1}\n\n');
  t.equal(over.overflowed, true);
  const failed = new NativeRecording(10);
  failed.fail();
  t.equal(failed.overflowed, false, 'a failure is not an overflow');
});
