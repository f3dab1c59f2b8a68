// Turns a /v1/chat/completions body into a GenerationPlan: validates the conversation, counts its
// tokens as a chat template would, seeds the reply from its content, and answers with a tool call
// when the client forces one (tool_choice "required" or a named function), with JSON when the client
// asks for it (response_format: json-answer.ts).

import { randomUUID } from 'node:crypto';
import { badRequest } from './errors.js';
import { checkModel, limitsFor, readSampling, requireObject, type JsonObject } from './fields.js';
import { generateText } from './generate.js';
import { generateJson, readJsonFormat } from './json-answer.js';
import { CHAT_FIELDS, checkFieldTypes } from './request-schema.js';
import { textChoice, type ChoicePlan, type GenerationPlan, type PlanContext } from './plan.js';
import { hashNumber, hashString } from './seed.js';
import { countTextTokens, REPLY_PRIMING_TOKENS, TOKENS_PER_MESSAGE } from './tokens.js';
import { isObject } from '../json-object.js';

/** The arguments every simulated tool call carries: valid JSON for any schema without requirements. */
const TOOL_ARGUMENTS = '{}';

export function planChat(body: unknown, context: PlanContext): GenerationPlan {
  const request = requireObject(body);
  if (context.flavour === 'vllm') checkFieldTypes(request, CHAT_FIELDS);
  checkModel(request, context.servedModel);
  const conversation = readConversation(request['messages']);
  const tools = request['tools'];
  const toolTokens = tools === undefined || tools === null ? 0 : countTextTokens(JSON.stringify(tools));
  const promptTokens = conversation.tokens + toolTokens;
  const sampling = readSampling(request, ['max_completion_tokens', 'max_tokens']);
  const limits = limitsFor(sampling, promptTokens, context);
  const forcedTool = readForcedTool(request);
  const format = readJsonFormat(request['response_format']);
  const choices: ChoicePlan[] = [];
  for (let index = 0; index < sampling.n; index++) {
    const seed = hashNumber(index, conversation.seed);
    if (forcedTool !== null) choices.push(toolChoice(index, forcedTool));
    else choices.push(textChoice(index, format === null ? generateText(seed, limits) : generateJson(seed, format, limits)));
  }
  return { promptTokens, stream: sampling.stream, includeUsage: sampling.includeUsage, choices };
}

interface Conversation {
  readonly tokens: number;
  readonly seed: number;
}

function readConversation(messages: unknown): Conversation {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw badRequest('messages must be a non-empty array of messages.', 'messages');
  }
  let tokens = REPLY_PRIMING_TOKENS;
  let seed = hashString('');
  for (const message of messages) {
    if (!isObject(message) || typeof message['role'] !== 'string') {
      throw badRequest('Each message must be an object with a string `role`.', 'messages');
    }
    tokens += TOKENS_PER_MESSAGE;
    seed = hashString(message['role'], seed);
    forEachText(message, (text) => {
      tokens += countTextTokens(text);
      // The separator keeps ["ab", "c"] and ["a", "bc"] from seeding the same reply.
      seed = hashNumber(0x1f, hashString(text, seed));
    });
  }
  return { tokens, seed };
}

/** Every piece of a message a template would render: content, text parts, name, tool calls. */
function forEachText(message: JsonObject, visit: (text: string) => void): void {
  const content = message['content'];
  if (typeof content === 'string') {
    visit(content);
  } else if (Array.isArray(content)) {
    for (const part of content) {
      if (!isObject(part)) throw badRequest('Each content part must be an object.', 'messages');
      const text = part['text'];
      if (typeof text === 'string') visit(text);
    }
  } else if (content !== undefined && content !== null) {
    throw badRequest('Message content must be a string, an array of content parts or null.', 'messages');
  }
  const name = message['name'];
  if (typeof name === 'string') visit(name);
  const toolCalls = message['tool_calls'];
  if (Array.isArray(toolCalls) && toolCalls.length > 0) visit(JSON.stringify(toolCalls));
}

/** The function the client forces the model to call, or null when the reply is text. */
function readForcedTool(request: JsonObject): string | null {
  const choice = request['tool_choice'];
  if (choice === undefined || choice === null || choice === 'auto' || choice === 'none') return null;
  const names = readToolNames(request['tools']);
  const first = names[0];
  if (first === undefined) {
    throw badRequest('When using `tool_choice`, `tools` must be set.', 'tool_choice');
  }
  if (choice === 'required') return first;
  const name = isObject(choice) && isObject(choice['function']) ? choice['function']['name'] : undefined;
  if (typeof name !== 'string') {
    throw badRequest('tool_choice must be "none", "auto", "required" or a named function.', 'tool_choice');
  }
  if (!names.includes(name)) {
    throw badRequest(`Tool '${name}' has not been passed in \`tools\`.`, 'tool_choice');
  }
  return name;
}

function readToolNames(tools: unknown): string[] {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw badRequest('tools must be an array.', 'tools');
  return tools.map((tool) => {
    const name = isObject(tool) && isObject(tool['function']) ? tool['function']['name'] : undefined;
    if (typeof name !== 'string') throw badRequest('Each tool must be a function with a `name`.', 'tools');
    return name;
  });
}

function toolChoice(index: number, name: string): ChoicePlan {
  return {
    index,
    pieces: [],
    toolCall: { id: `chatcmpl-tool-${randomUUID().replaceAll('-', '')}`, name, arguments: TOOL_ARGUMENTS },
    completionTokens: countTextTokens(name) + countTextTokens(TOOL_ARGUMENTS),
    finishReason: 'tool_calls',
    stopReason: null,
  };
}
