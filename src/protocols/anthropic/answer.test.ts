// MessagesAnswer on a real node:http response: what a relay or a replay writes in chat completions
// (a JSON answer, an OpenAI error replayed with its status, an SSE stream) reaches the client as
// Anthropic's Message, error envelope or event stream, with the request-id header.
import { createServer } from 'node:http';
import t, { type Test } from 'tap';
import { listenOnLoopback } from '../../../test/fixtures/loopback-server.js';
import type { ClientResponse } from '../client-response.js';
import { MessagesAnswer } from './answer.js';
import { messageId } from './message-object.js';

async function exchange(t: Test, write: (out: ClientResponse) => void) {
  const server = createServer((_req, res) => write(new MessagesAnswer('claude-x').open(res, { requestId: 'req-9', keyId: null, alias: 'auto' })));
  const res = await fetch(await listenOnLoopback(t, server));
  return { status: res.status, requestId: res.headers.get('request-id'), type: res.headers.get('content-type'), body: await res.text() };
}

const completion = JSON.stringify({
  id: 'chatcmpl-j',
  object: 'chat.completion',
  created: 1,
  model: 'served',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
});

t.test('a JSON answer is a Message', async (t) => {
  const got = await exchange(t, (out) => out.writeHead(200, { 'content-type': 'application/json' }).end(completion));
  t.strictSame([got.status, got.requestId, got.type], [200, 'req-9', 'application/json']);
  t.strictSame(JSON.parse(got.body), {
    id: messageId('chatcmpl-j'),
    type: 'message',
    role: 'assistant',
    model: 'claude-x',
    content: [{ type: 'text', text: 'Hello' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    stop_details: null,
    container: null,
    usage: { input_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
  });
});

t.test('a body that is not a completion is a 502 api_error, never passed on', async (t) => {
  const got = await exchange(t, (out) => out.writeHead(200, { 'content-type': 'application/json' }).end('<html>'));
  t.equal(got.status, 502);
  t.strictSame(JSON.parse(got.body), {
    type: 'error',
    error: { type: 'api_error', message: 'The engine answered with something other than a chat completion.' },
    request_id: 'req-9',
  });
});

t.test('replayed OpenAI errors: their status kept, overload as 529', async (t) => {
  const rows: [number, string, number, string][] = [
    [503, '{"error":{"message":"No replica","type":"server_error","param":null,"code":"no_replica_available"}}', 529, 'overloaded_error'],
    [400, '{"error":{"message":"bad","type":"invalid_request_error","param":"messages","code":null}}', 400, 'invalid_request_error'],
    [429, '{"error":{"message":"slow down","type":"requests","param":null,"code":"rate_limit_exceeded"}}', 429, 'rate_limit_error'],
    [404, 'not json', 404, 'not_found_error'],
  ];
  for (const [status, body, wantStatus, wantType] of rows) {
    const got = await exchange(t, (out) => out.writeHead(status, { 'content-type': 'application/json' }).end(body));
    t.equal(got.status, wantStatus, body);
    t.match(JSON.parse(got.body), { type: 'error', error: { type: wantType }, request_id: 'req-9' });
  }
});

t.test('an SSE stream is Anthropic’s event stream; a stream cut without [DONE] ends in an error event', async (t) => {
  const chunk = (content: string) => `data: {"id":"chatcmpl-s","choices":[{"index":0,"delta":{"content":"${content}"},"finish_reason":null}]}\n\n`;
  const complete = await exchange(t, (out) => {
    out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    out.write(chunk('Hel'));
    out.write(chunk('lo') + 'data: {"id":"chatcmpl-s","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n: keep-alive\n\n');
    out.end('data: [DONE]\n\n');
  });
  t.equal(complete.type, 'text/event-stream; charset=utf-8');
  const types = complete.body
    .split('\n\n')
    .filter(Boolean)
    .map((event) => event.split('\n')[0]);
  t.strictSame(types, [
    'event: message_start',
    'event: ping',
    'event: content_block_start',
    'event: content_block_delta',
    'event: content_block_delta',
    ': keep-alive',
    'event: content_block_stop',
    'event: message_delta',
    'event: message_stop',
  ]);
  const cut = await exchange(t, (out) => {
    out.writeHead(200, { 'content-type': 'text/event-stream' });
    out.end(chunk('Hel'));
  });
  t.match(cut.body, /event: error\ndata: \{"type":"error","error":\{"type":"api_error",/);
  t.notMatch(cut.body, /message_stop/);
});
