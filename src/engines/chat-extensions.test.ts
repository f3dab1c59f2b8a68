// Which engines take the chat fields a translation adds beyond OpenAI's, and what an attempt leaves out.
import t from 'tap';
import { CHAT_EXTENSIONS, withTakenExtensions } from './chat-extensions.js';

const BODY = { model: 'm', messages: [], temperature: 0.5, top_k: 5 };

t.test('top_k: vLLM, the simulator and Anthropic take it; OpenAI, Azure and TGI do not', async (t) => {
  const taking = Object.entries(CHAT_EXTENSIONS)
    .filter(([, takes]) => takes.has('top_k'))
    .map(([engine]) => engine)
    .sort();
  t.strictSame(taking, ['anthropic', 'sim', 'vllm']);
});

t.test('a translated field an engine does not take is left out; nothing else is touched', async (t) => {
  t.strictSame(withTakenExtensions(BODY, ['top_k'], CHAT_EXTENSIONS.openai), { model: 'm', messages: [], temperature: 0.5 });
  t.strictSame(BODY, { model: 'm', messages: [], temperature: 0.5, top_k: 5 }, 'the request body is not changed');
  t.equal(withTakenExtensions(BODY, ['top_k'], CHAT_EXTENSIONS.vllm), BODY, 'taken: the same body, no copy');
  const plain = { model: 'm', messages: [] };
  t.equal(withTakenExtensions(plain, ['top_k'], CHAT_EXTENSIONS.azure), plain, 'absent: the same body, no copy');
});

t.test("a request that names no translated fields (a chat client's) passes whole, unknown fields included", async (t) => {
  t.equal(withTakenExtensions(BODY, undefined, CHAT_EXTENSIONS.openai), BODY);
});
