// Identical policy (design-16 §4.2): a Messages request becomes the very chat body a chat client would
// send for the same conversation, so the classifier and its floors (and everything after them: the
// plan, key limits, budgets, the cache key) cannot tell the two APIs apart.
import t from 'tap';
import { DEFAULT_FLOORS, applyFloors } from '../../classify/floors.js';
import { classifyHeuristic } from '../../classify/heuristic.js';
import { chatBodyOf } from './request.js';

type Json = Record<string, unknown>;
const weather = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const ask = 'Write a Python function that merges two sorted lists, then explain its complexity step by step.';

const rows: { name: string; messages: Json; chat: Json; complexity?: string }[] = [
  {
    name: 'a plain question',
    messages: { model: 'auto', max_tokens: 200, messages: [{ role: 'user', content: 'Hi there!' }] },
    chat: { model: 'auto', messages: [{ role: 'user', content: 'Hi there!' }], max_tokens: 200 },
  },
  {
    name: 'code, a system prompt, tools and a forced tool',
    messages: {
      model: 'auto',
      max_tokens: 1000,
      system: 'You are terse.',
      tools: [{ name: 'get_weather', input_schema: weather }],
      tool_choice: { type: 'any' },
      messages: [{ role: 'user', content: [{ type: 'text', text: ask }] }],
    },
    chat: {
      model: 'auto',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: ask },
      ],
      max_tokens: 1000,
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: weather } }],
      tool_choice: 'required',
    },
  },
  {
    name: 'thinking with a 32k budget is a high effort, and the floor makes it complex',
    messages: { model: 'auto', max_tokens: 40000, thinking: { type: 'enabled', budget_tokens: 32000 }, messages: [{ role: 'user', content: 'Hi there!' }] },
    chat: { model: 'auto', messages: [{ role: 'user', content: 'Hi there!' }], max_tokens: 40000, reasoning_effort: 'high' },
    complexity: 'complex',
  },
  {
    name: 'a JSON schema answer',
    messages: { model: 'auto', max_tokens: 100, output_config: { format: { type: 'json_schema', schema: weather } }, messages: [{ role: 'user', content: 'Weather?' }] },
    chat: {
      model: 'auto',
      messages: [{ role: 'user', content: 'Weather?' }],
      max_tokens: 100,
      response_format: { type: 'json_schema', json_schema: { name: 'output', schema: weather, strict: true } },
    },
  },
];

for (const row of rows) {
  t.test(row.name, (t) => {
    const { body } = chatBodyOf(row.messages, { countOnly: false });
    t.strictSame(body, row.chat, 'the same chat body');
    const fromMessages = applyFloors(body, classifyHeuristic(body), DEFAULT_FLOORS);
    const fromChat = applyFloors(row.chat, classifyHeuristic(row.chat), DEFAULT_FLOORS);
    t.strictSame(fromMessages, fromChat, 'the same classification');
    if (row.complexity !== undefined) t.equal(fromMessages.complexity, row.complexity);
    t.end();
  });
}
