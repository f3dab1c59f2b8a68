// The backend of `npm run bench -- --wrk`: a mock OpenAI-compatible engine written for the bench
// alone (it shares no code with src/sim, so a bug or shortcut there cannot flatter the router).
// It answers non-streaming chat completions at once, and streams the way a serving engine does:
// every SSE event is its own socket write, and one event per open stream is written per event-loop
// turn, as a continuous-batching engine emits one token for every running sequence per step. So a
// proxy reads a stream event by event, not as one buffer (what the zero-delay simulator sends).
//
// Wire shapes follow OpenAI's API spec (github.com/openai/openai-openapi, openapi.yaml at f85dbe2:
// components.schemas.CreateChatCompletionResponse, CreateChatCompletionStreamResponse and
// CompletionUsage): the stream opens with a delta carrying the role, each event is one
// `chat.completion.chunk` with `"usage":null`, the last content event carries `finish_reason`, then
// one chunk with `"choices":[]` and the usage, then `data: [DONE]`. The usage chunk is sent whether
// or not `stream_options.include_usage` was asked for (a proxy that did not ask must cope with it).
// /health, /v1/models and a vLLM-style /metrics are served because the router probes them.
// Run: PORT=0 node --import tsx bench/mock-engine.ts   (prints "mock engine listening on <url>")
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** Content events per answer, and completion tokens reported. */
const EVENTS = 20;
const MODEL = process.env['MOCK_MODEL'] ?? 'mock-model';
const WORDS = ['The', ' quick', ' brown', ' fox', ' jumps', ' over', ' the', ' lazy', ' dog', '.'];

let sequence = 0;
let running = 0;

interface ChatRequest {
  readonly model: string;
  readonly stream: boolean;
  readonly promptTokens: number;
}

/** The fields the mock needs; a rough 4-characters-a-token prompt count, as engines' counts vary anyway. */
function readRequest(raw: string): ChatRequest | string {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return 'body is not JSON';
  }
  if (typeof body !== 'object' || body === null) return 'body is not an object';
  const fields = body as Record<string, unknown>;
  const messages = fields['messages'];
  if (!Array.isArray(messages) || messages.length === 0) return "'messages' must be a non-empty array";
  let chars = 0;
  for (const message of messages) {
    const content = typeof message === 'object' && message !== null ? (message as Record<string, unknown>)['content'] : undefined;
    if (typeof content === 'string') chars += content.length;
  }
  return {
    model: typeof fields['model'] === 'string' ? fields['model'] : MODEL,
    stream: fields['stream'] === true,
    promptTokens: Math.max(1, Math.ceil(chars / 4)),
  };
}

function usage(request: ChatRequest): Record<string, number> {
  return { prompt_tokens: request.promptTokens, completion_tokens: EVENTS, total_tokens: request.promptTokens + EVENTS };
}

function answerAtOnce(res: ServerResponse, request: ChatRequest, id: string, created: number): void {
  let content = '';
  for (let i = 0; i < EVENTS; i++) content += WORDS[i % WORDS.length];
  const body = JSON.stringify({
    id,
    object: 'chat.completion',
    created,
    model: request.model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'length' }],
    usage: usage(request),
  });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function stream(res: ServerResponse, request: ChatRequest, id: string, created: number): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  running++;
  let sent = 0;
  let closed = false;
  res.once('close', () => {
    if (!closed) running--;
    closed = true;
  });
  const chunk = (choices: unknown[], extra: Record<string, unknown> = { usage: null }): string =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: request.model, choices, ...extra })}\n\n`;
  const step = (): void => {
    if (closed) return;
    if (sent < EVENTS) {
      const delta: Record<string, string> = sent === 0 ? { role: 'assistant', content: WORDS[0]! } : { content: WORDS[sent % WORDS.length]! };
      const last = sent === EVENTS - 1;
      res.write(chunk([{ index: 0, delta, logprobs: null, finish_reason: last ? 'length' : null }]));
      sent++;
    } else if (sent === EVENTS) {
      res.write(chunk([], { usage: usage(request) }));
      sent++;
    } else {
      closed = true;
      running--;
      res.end('data: [DONE]\n\n');
      return;
    }
    setImmediate(step); // the next "decoding step": every open stream writes once before this one writes again
  };
  step();
}

function metrics(res: ServerResponse): void {
  // The gauges a vLLM replica exposes for its load (vllm/engine/metrics); the router's balancer reads them.
  const labels = `{model_name="${MODEL}"}`;
  const text =
    `# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running${labels} ${running}\n` +
    `# TYPE vllm:num_requests_waiting gauge\nvllm:num_requests_waiting${labels} 0\n` +
    `# TYPE vllm:kv_cache_usage_perc gauge\nvllm:kv_cache_usage_perc${labels} 0.01\n`;
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text);
}

function error(res: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } });
  res.writeHead(status, { 'content-type': 'application/json' }).end(body);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/health') return void res.writeHead(200).end();
  if (req.method === 'GET' && path === '/metrics') return metrics(res);
  if (req.method === 'GET' && path === '/v1/models') {
    const created = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ object: 'list', data: [{ id: MODEL, object: 'model', created, owned_by: 'bench', max_model_len: 32768 }] });
    return void res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  }
  if (req.method !== 'POST' || path !== '/v1/chat/completions') return error(res, 404, `no route ${req.method ?? ''} ${path ?? ''}`);
  const parts: Buffer[] = [];
  req.on('data', (part: Buffer) => parts.push(part));
  req.on('end', () => {
    const request = readRequest(Buffer.concat(parts).toString('utf8'));
    if (typeof request === 'string') return error(res, 400, request);
    const id = `chatcmpl-mock-${(sequence++).toString(36)}`;
    const created = Math.floor(Date.now() / 1000);
    if (request.stream) stream(res, request, id, created);
    else answerAtOnce(res, request, id, created);
  });
}

const server = createServer({ keepAliveTimeout: 60_000 }, handle);
server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`mock engine listening on http://127.0.0.1:${port}\n`);
});

const shutdown = (): void => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
