// Function tools, tool_choice and text.format: Responses' flat shapes (OAS FunctionTool,
// ToolChoiceParam, TextResponseFormatConfiguration; openai/openai-openapi openapi.yaml @f85dbe22)
// into chat's nested ones, and the normalised form the Response object echoes back.
import { describe, invalid, unsupported, type Json } from './checks.js';
import { DEFAULT_TEXT, NO_TOOLS } from './echo-defaults.js';
import { isObject } from '../../json-object.js';

/** Tool types of OpenAI's API that only OpenAI runs (hosted tools, MCP, custom grammars). */
const HOSTED_TOOLS = new Set([
  'file_search',
  'web_search',
  'web_search_preview',
  'web_search_2025_08_26',
  'web_search_preview_2025_03_11',
  'computer',
  'computer_use_preview',
  'code_interpreter',
  'image_generation',
  'local_shell',
  'shell',
  'mcp',
  'custom',
  'apply_patch',
]);

export interface MappedTools {
  /** Chat's `tools`; absent when there are none (vLLM refuses an empty list). */
  readonly chat: Json[] | null;
  /** As the Response object lists them. */
  readonly echo: readonly Json[];
}

export function readTools(tools: unknown): MappedTools {
  if (tools === undefined || tools === null) return { chat: null, echo: NO_TOOLS };
  if (!Array.isArray(tools)) throw invalid(`Invalid type for 'tools': expected an array, got ${describe(tools)}.`, 'tools');
  const chat: Json[] = [];
  const echo: Json[] = [];
  tools.forEach((tool: unknown, i) => {
    const param = `tools[${i}]`;
    if (!isObject(tool)) throw invalid(`Invalid type for '${param}': expected an object, got ${describe(tool)}.`, param);
    const type = tool['type'];
    if (type !== 'function') {
      if (typeof type === 'string' && HOSTED_TOOLS.has(type))
        throw unsupported(`Tools of type '${type}' are not supported by this router; only function tools are.`, `${param}.type`);
      throw invalid(`Invalid value for '${param}.type': expected 'function', got ${describe(type)}.`, `${param}.type`);
    }
    const name = tool['name'];
    if (typeof name !== 'string' || name === '') throw invalid(`Missing required parameter: '${param}.name'.`, `${param}.name`);
    const description = optional(tool, 'description', 'string', param);
    const parameters = tool['parameters'] ?? null;
    if (parameters !== null && !isObject(parameters))
      throw invalid(`Invalid type for '${param}.parameters': expected an object, got ${describe(parameters)}.`, `${param}.parameters`);
    const strict = optional(tool, 'strict', 'boolean', param);
    const fn: Json = { name };
    if (description !== null) fn['description'] = description;
    if (parameters !== null) fn['parameters'] = parameters;
    if (strict !== null) fn['strict'] = strict;
    chat.push({ type: 'function', function: fn });
    echo.push({ type: 'function', name, description, parameters, strict: strict ?? true });
  });
  return { chat: chat.length === 0 ? null : chat, echo };
}

/** Chat's tool_choice, and the echo; 'auto' when absent. */
export function readToolChoice(choice: unknown): { readonly chat: unknown; readonly echo: unknown; readonly forced: string | null } {
  if (choice === undefined || choice === null) return { chat: undefined, echo: 'auto', forced: null };
  if (choice === 'none' || choice === 'auto' || choice === 'required') return { chat: choice, echo: choice, forced: null };
  if (!isObject(choice)) throw invalid(`Invalid value for 'tool_choice': expected none, auto, required or an object, got ${describe(choice)}.`, 'tool_choice');
  if (choice['type'] !== 'function')
    throw unsupported(`tool_choice of type ${describe(choice['type'])} is not supported; use none, auto, required or {"type":"function","name":…}.`, 'tool_choice.type');
  const name = choice['name'];
  if (typeof name !== 'string' || name === '') throw invalid("Missing required parameter: 'tool_choice.name'.", 'tool_choice.name');
  return { chat: { type: 'function', function: { name } }, echo: { type: 'function', name }, forced: name };
}

/** `text`: chat's response_format (absent for plain text) and verbosity, and the echo. */
export function readText(text: unknown): { readonly responseFormat: Json | null; readonly verbosity: string | null; readonly echo: Json } {
  if (text === undefined || text === null) return { responseFormat: null, verbosity: null, echo: DEFAULT_TEXT };
  if (!isObject(text)) throw invalid(`Invalid type for 'text': expected an object, got ${describe(text)}.`, 'text');
  const verbosity = text['verbosity'] ?? null;
  if (verbosity !== null && verbosity !== 'low' && verbosity !== 'medium' && verbosity !== 'high') {
    throw invalid(`Invalid value for 'text.verbosity': expected one of low, medium, high, got ${describe(verbosity)}.`, 'text.verbosity');
  }
  const format = text['format'] ?? { type: 'text' };
  if (!isObject(format)) throw invalid(`Invalid type for 'text.format': expected an object, got ${describe(format)}.`, 'text.format');
  const echo: Json = verbosity === null ? { format } : { format, verbosity };
  switch (format['type']) {
    case 'text':
      return { responseFormat: null, verbosity, echo: verbosity === null ? DEFAULT_TEXT : { ...echo, format: { type: 'text' } } };
    case 'json_object':
      return { responseFormat: { type: 'json_object' }, verbosity, echo: { ...echo, format: { type: 'json_object' } } };
    case 'json_schema': {
      const name = format['name'];
      if (typeof name !== 'string' || name === '') throw invalid("Missing required parameter: 'text.format.name'.", 'text.format.name');
      const schema = format['schema'];
      if (!isObject(schema)) throw invalid("Missing required parameter: 'text.format.schema' (an object).", 'text.format.schema');
      const description = optional(format, 'description', 'string', 'text.format');
      const strict = optional(format, 'strict', 'boolean', 'text.format');
      const jsonSchema: Json = { name, schema };
      if (description !== null) jsonSchema['description'] = description;
      if (strict !== null) jsonSchema['strict'] = strict;
      return { responseFormat: { type: 'json_schema', json_schema: jsonSchema }, verbosity, echo: { ...echo, format: { type: 'json_schema', ...jsonSchema } } };
    }
    default:
      throw invalid(`Invalid value for 'text.format.type': expected one of text, json_object, json_schema, got ${describe(format['type'])}.`, 'text.format.type');
  }
}

function optional<T extends 'string' | 'boolean'>(json: Json, field: string, type: T, param: string): (T extends 'string' ? string : boolean) | null {
  const value = json[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== type) throw invalid(`Invalid type for '${param}.${field}': expected a ${type}, got ${describe(value)}.`, `${param}.${field}`);
  return value as T extends 'string' ? string : boolean;
}
