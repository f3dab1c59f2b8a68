// The cl100k tokenizer holds about 11 MB of a router's heap, so it is loaded only when
// something counts with it. Strict budgets over engines that report usage never load it; a stream that
// ends without usage loads it before its settle, so the key is charged the tokenizer's count of the
// prompt, not the four-characters-a-token guess. (Tight mode, which counts every request, loads it at
// start and on a reload into it: tokenizer-tight.test.ts, in a process of its own.)
import t from 'tap';
import { createHash } from 'node:crypto';
import { countTokens } from 'gpt-tokenizer/encoding/cl100k_base';
import { tokenizerLoaded } from '../../src/budgets/estimate.js';
import { chatStreamEvents, echoCompletion, startFakeEngine } from '../fixtures/fake-engine.js';
import { startTestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN, waitFor } from '../fixtures/wait.js';

const SECRET = 'sy-test-secret-for-tokenizer';
const PROMPT = 'hello world hello world';
/** The estimate's allowances for the chat template: per request, and per message (src/budgets/estimate.ts). */
const TEMPLATE_TOKENS = 16 + 8;

const engine = await startFakeEngine();
const test = await startTestRouter(
  {
    auth: { required: true, keys: [{ id: 'team', hash: createHash('sha256').update(SECRET).digest('hex'), prefix: SECRET.slice(0, 8), limits: { tokensPerDay: 100_000 } }] },
    budgets: { budgetMode: 'strict' },
    models: { small: { tiers: ['small'] } },
    tiers: { small: { pools: ['small'] } },
    pools: { small: { engine: 'vllm', servedModel: 'served', healthCheck: { intervalMs: 0 }, engineMetrics: { intervalMs: 0 }, replicas: [{ name: 'r0', url: engine.url }] } },
  },
  { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN },
);
t.teardown(async () => {
  await test.close();
  await engine.close();
});

async function chat(stream: boolean): Promise<string> {
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'small', stream, max_tokens: 50, messages: [{ role: 'user', content: PROMPT }] }),
  });
  t.equal(res.status, 200);
  return res.text();
}

async function settledTokens(): Promise<number | null> {
  const res = await fetch(`${test.url}/admin/keys/team`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const lifetime = ((await res.json()) as { usage: { tokens: { lifetime: { used: number; reserved: number } } } }).usage.tokens.lifetime;
  return lifetime.reserved === 0 ? lifetime.used : null;
}

t.test('strict budgets whose engine reports usage never load the tokenizer', async (t) => {
  t.equal(tokenizerLoaded(), false, 'not at start');
  engine.respond = (request) => ({ kind: 'json', body: echoCompletion(request.body) });
  await chat(false);
  t.equal(await waitFor('the settle', settledTokens), 7 + 3, "charged the engine's usage");
  t.equal(tokenizerLoaded(), false, 'not by a settle with usage');
});

t.test('a stream that ends without usage is settled on the tokenizer’s count', async (t) => {
  const before = (await settledTokens()) ?? 0;
  const words = ['one ', 'two ', 'three ', 'four ', 'five'];
  // The engine's chunks without the closing usage chunk (a vLLM without continuous usage stats).
  engine.respond = () => ({ kind: 'stream', events: chatStreamEvents(words).slice(0, -1) });
  const body = await chat(true);
  t.match(body, /data: \[DONE\]/);
  const charged = await waitFor<number>('the settle', async () => ((await settledTokens()) ?? before) - before || null);
  t.equal(tokenizerLoaded(), true, 'loaded for the settle');
  t.not(countTokens(PROMPT), Math.ceil(PROMPT.length / 4), 'the prompt tells the tokenizer from the guess');
  t.equal(charged, countTokens(PROMPT) + TEMPLATE_TOKENS + words.length, 'the prompt by the tokenizer, plus the tokens streamed');
});
