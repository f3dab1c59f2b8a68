// Messages tools and tool_choice (@anthropic-ai/sdk 1.16.0 src/resources/messages/messages.ts Tool,
// ToolChoice*) as chat's function tools. Only client tools exist on a chat engine: Anthropic's server
// tools (web search, code execution, …, each with a dated `type`) are refused by name. An empty tool
// list is left out, and a tool_choice without tools with it: vLLM refuses both (design-16 §1.1).
import { describe, invalid, requireList, requireObject, requireString, type Json } from './invalid.js';
import { isObject } from '../../json-object.js';

const CHOICES: Readonly<Record<string, string>> = { auto: 'auto', any: 'required', none: 'none' };

export function chatTools(tools: unknown, choice: unknown): Json {
  const names = new Set<string>();
  const out: Json = {};
  if (tools !== undefined && tools !== null) {
    const list = requireList(tools, 'tools').map((raw, i) => chatTool(raw, i, names));
    if (list.length > 0) out['tools'] = list;
  }
  if (choice === undefined || choice === null) return out;
  if (!isObject(choice)) throw invalid('tool_choice', `Input should be an object, got ${describe(choice)}`);
  const type = choice['type'];
  let chatChoice: unknown;
  if (type === 'tool') {
    const name = requireString(choice['name'], 'tool_choice.name');
    if (!names.has(name)) throw invalid('tool_choice.name', `no tool named '${name.slice(0, 64)}' in tools`);
    chatChoice = { type: 'function', function: { name } };
  } else if (typeof type === 'string' && Object.hasOwn(CHOICES, type)) {
    chatChoice = CHOICES[type];
  } else {
    throw invalid('tool_choice.type', "Input should be 'auto', 'any', 'tool' or 'none'");
  }
  const noParallel = choice['disable_parallel_tool_use'];
  if (noParallel !== undefined && noParallel !== null && typeof noParallel !== 'boolean') {
    throw invalid('tool_choice.disable_parallel_tool_use', `Input should be a boolean, got ${describe(noParallel)}`);
  }
  if (out['tools'] === undefined) return out;
  out['tool_choice'] = chatChoice;
  if (noParallel === true) out['parallel_tool_calls'] = false;
  return out;
}

function chatTool(raw: unknown, i: number, names: Set<string>): Json {
  const path = `tools.${i}`;
  const tool = requireObject(raw, path);
  const type = tool['type'];
  if (type !== undefined && type !== null && type !== 'custom') {
    const shown = typeof type === 'string' ? `'${type.slice(0, 64)}'` : describe(type);
    throw invalid(`${path}.type`, `server tools (${shown}) are not supported by this router; only client tools (name, input_schema)`);
  }
  const name = requireString(tool['name'], `${path}.name`);
  const schema = requireObject(tool['input_schema'], `${path}.input_schema`);
  // Anthropic's own 400 (reported verbatim in anthropics/claude-code issue #10687): a model cannot tell two same-named tools apart.
  if (names.has(name)) throw invalid('tools', 'Tool names must be unique.');
  names.add(name);
  const fn: Json = { name };
  const description = tool['description'];
  if (description !== undefined && description !== null) fn['description'] = requireString(description, `${path}.description`);
  fn['parameters'] = schema;
  const strict = tool['strict'];
  if (typeof strict === 'boolean') fn['strict'] = strict;
  return { type: 'function', function: fn };
}
