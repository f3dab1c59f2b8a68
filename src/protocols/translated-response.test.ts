// TranslatedResponse on a real node:http response: what a subclass is told (each chat event's data,
// how the stream ended, a whole JSON body, an error) and what reaches the client.
import { createServer, type ServerResponse } from 'node:http';
import t, { type Test } from 'tap';
import { listenOnLoopback } from '../../test/fixtures/loopback-server.js';
import { SseByteSplitter } from '../openai/sse-buffer.js';
import { TranslatedResponse, type TranslatedBody } from './translated-response.js';

/** A translator that writes down what it was told and answers with it, so the client's bytes show both. */
class Recording extends TranslatedResponse {
  readonly told: string[] = [];

  protected chatEvent(data: string): void {
    this.told.push(`event ${data}`);
    this.send(`out: ${data}\n\n`);
  }

  protected streamEnded(completed: boolean): void {
    this.told.push(`ended ${completed}`);
    this.send(completed ? 'out: complete\n\n' : 'out: cut\n\n');
  }

  protected translateJson(body: Buffer): TranslatedBody {
    return { status: 200, contentType: 'application/x-test', body: Buffer.from(`translated ${body.toString()}`) };
  }

  protected translateError(status: number, body: Buffer): TranslatedBody {
    return { status: status === 503 ? 529 : status, contentType: 'application/x-error', body: Buffer.from(`error ${body.toString()}`) };
  }
}

/** Serves one request by running `write` against a Recording over the real response; resolves with the client's view. */
async function exchange(
  t: Test,
  write: (out: Recording) => void,
): Promise<{ status: number; type: string | null; length: string | null; header: string | null; body: string; told: string[] }> {
  let told: string[] = [];
  const server = createServer((_req, res: ServerResponse) => {
    const out = new Recording(res);
    told = out.told;
    write(out);
  });
  const base = await listenOnLoopback(t, server);
  const response = await fetch(base);
  const body = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    length: response.headers.get('content-length'),
    header: response.headers.get('x-set-before'),
    body,
    told,
  };
}

t.test('a JSON answer is collected, translated whole, and sent with its own length and type', async (t) => {
  const got = await exchange(t, (out) => {
    out.setHeader('x-set-before', 'kept');
    out.writeHead(200, { 'content-type': 'application/json', 'content-length': 9 });
    out.write('{"a":');
    out.end(Buffer.from('1}'));
  });
  t.strictSame(got, { status: 200, type: 'application/x-test', length: String('translated {"a":1}'.length), header: 'kept', body: 'translated {"a":1}', told: [] });
});

t.test('an error body is translated as an error, its status the translation’s', async (t) => {
  const got = await exchange(t, (out) => {
    out.writeHead(503, { 'content-type': 'application/json; charset=utf-8' });
    out.end('{"error":{}}');
  });
  t.strictSame([got.status, got.type, got.body], [529, 'application/x-error', 'error {"error":{}}']);
});

t.test('a stream is read event by event across any write boundaries; comments pass as they are; [DONE] completes it', async (t) => {
  const got = await exchange(t, (out) => {
    out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    out.write('data: {"n":1}\n\ndata: {"n"');
    out.write(':2}\n\n: keep-alive\n\n');
    out.write(Buffer.from('data: [DONE]\n\n'));
    // Nothing after [DONE] is an event of the answer.
    out.write('data: {"n":3}\n\n');
    out.end();
  });
  t.equal(got.type, 'text/event-stream; charset=utf-8');
  t.strictSame(got.told, ['event {"n":1}', 'event {"n":2}', 'ended true']);
  t.equal(got.body, 'out: {"n":1}\n\nout: {"n":2}\n\n: keep-alive\n\nout: complete\n\n');
});

t.test('events handed over as the relay found them (writeEvents) are the same as their bytes written', async (t) => {
  // Each chunk as an engine might send it, found by the relay's own splitter; every chunk's events are given in two runs.
  const chunks = ['data: {"n":1}\n\n: keep-alive\n\ndata: {"n":2}\n\n', 'data: {"n":\n', 'data: 3}\n\n\n\ndata: é\n\ndata: [DONE]\n\n', 'data: {"n":4}\n\n'];
  const byBytes = await exchange(t, (out) => {
    out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    for (const chunk of chunks) out.write(chunk);
    out.end();
  });
  const byEvents = await exchange(t, (out) => {
    out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    const splitter = new SseByteSplitter();
    for (const chunk of chunks) {
      const { buffer, events } = splitter.push(Buffer.from(chunk));
      const half = events.length >> 1;
      if (half > 0) out.writeEvents(buffer, events, 0, half);
      if (events.length > half) out.writeEvents(buffer, events, half, events.length);
    }
    out.end();
  });
  t.strictSame(byEvents, byBytes);
  t.strictSame(byBytes.told, ['event {"n":1}', 'event {"n":2}', 'event {"n":\n3}', 'event é', 'ended true']);
  // A part of an event written before: the events come after it, as its bytes would.
  const after = await exchange(t, (out) => {
    out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    out.write('data: {"n"');
    const { buffer, events } = new SseByteSplitter().push(Buffer.from(':5}\n\ndata: {"n":6}\n\n'));
    out.writeEvents(buffer, events, 0, events.length);
    out.end();
  });
  t.strictSame(after.told, ['event {"n":5}', 'event {"n":6}', 'ended false']);
});

t.test('a stream that ends without [DONE] (after an error event) is told so', async (t) => {
  const got = await exchange(t, (out) => {
    out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    out.write('data: {"n":1}\n\n');
    out.end('data: {"error":{"message":"gone"}}\n\n');
  });
  t.strictSame(got.told, ['event {"n":1}', 'event {"error":{"message":"gone"}}', 'ended false']);
  t.equal(got.body, 'out: {"n":1}\n\nout: {"error":{"message":"gone"}}\n\nout: cut\n\n');
});

/** A translator whose ending takes a while (Responses stores the response first): what it writes then still reaches the client. */
class Deferred extends TranslatedResponse {
  protected chatEvent(data: string): void {
    this.send(`out: ${data}\n\n`);
  }

  protected translateError(status: number, body: Buffer): TranslatedBody {
    return { status, contentType: 'application/x-error', body };
  }

  protected streamEnded(): Promise<void> {
    return new Promise((resolve) =>
      setTimeout(() => {
        this.send('out: stored\n\n');
        resolve();
      }, 20),
    );
  }

  protected translateJson(body: Buffer): Promise<TranslatedBody> {
    return new Promise((resolve) => setTimeout(() => resolve({ status: 200, contentType: 'application/x-test', body: Buffer.from(`later ${body.toString()}`) }), 20));
  }
}

t.test('an ending that returns a promise holds the end of the response until it settles; end() is ended at once and only once', async (t) => {
  const ended: boolean[] = [];
  const server = createServer((req, res: ServerResponse) => {
    const out = new Deferred(res);
    if (req.url === '/json') {
      out.writeHead(200, { 'content-type': 'application/json' });
      out.end('{"a":1}');
    } else {
      out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      out.end('data: {"n":1}\n\ndata: [DONE]\n\n');
    }
    ended.push(out.writableEnded, res.writableEnded);
    // A relay may end twice (after [DONE], then once more after draining): the second is nothing.
    out.end();
  });
  const base = await listenOnLoopback(t, server);
  t.equal(await (await fetch(`${base}/stream`)).text(), 'out: {"n":1}\n\nout: stored\n\n');
  t.equal(await (await fetch(`${base}/json`)).text(), 'later {"a":1}');
  t.strictSame(ended, [true, false, true, false], 'ended for the writers at once, the client response later');
});
