// How hard the model should think: Messages' `thinking` and `output_config` (@anthropic-ai/sdk 1.16.0
// src/resources/messages/messages.ts ThinkingConfigParam, OutputConfig) as chat's reasoning_effort,
// which the classifier's floors read like any chat client's (src/classify/floors.ts), and the JSON
// output format as response_format. The budget → effort thresholds are a decision (design-16 §2.1):
// no source maps a thinking budget to an effort.
import { invalid, requireObject, requireString, describe, type Json } from './invalid.js';
import { isObject } from '../../json-object.js';

const EFFORTS = new Set(['low', 'medium', 'high', 'xhigh', 'max']);
/** Anthropic's own floor for budget_tokens. */
const MIN_BUDGET = 1024;

export function effortOf(thinking: unknown, outputConfig: unknown): Json {
  const out: Json = {};
  const fromThinking = thinkingEffort(thinking);
  if (fromThinking !== null) out['reasoning_effort'] = fromThinking;
  if (outputConfig === undefined || outputConfig === null) return out;
  const config = requireObject(outputConfig, 'output_config');
  const effort = config['effort'];
  if (effort !== undefined && effort !== null) {
    if (typeof effort !== 'string' || !EFFORTS.has(effort)) throw invalid('output_config.effort', "Input should be 'low', 'medium', 'high', 'xhigh' or 'max'");
    // Named outright, it wins over a thinking budget.
    out['reasoning_effort'] = effort;
  }
  const format = config['format'];
  if (format !== undefined && format !== null) {
    const spec = requireObject(format, 'output_config.format');
    if (spec['type'] !== 'json_schema') throw invalid('output_config.format.type', "Input should be 'json_schema'");
    const schema = requireObject(spec['schema'], 'output_config.format.schema');
    out['response_format'] = { type: 'json_schema', json_schema: { name: 'output', schema, strict: true } };
  }
  return out;
}

function thinkingEffort(thinking: unknown): string | null {
  if (thinking === undefined || thinking === null) return null;
  if (!isObject(thinking)) throw invalid('thinking', `Input should be an object, got ${describe(thinking)}`);
  const type = requireString(thinking['type'], 'thinking.type');
  if (type === 'disabled' || type === 'adaptive' || type === 'between_tools') return null;
  if (type !== 'enabled') throw invalid('thinking.type', "Input should be 'enabled', 'disabled' or 'adaptive'");
  const budget = thinking['budget_tokens'];
  if (budget === undefined || budget === null) throw invalid('thinking.budget_tokens', 'Field required');
  if (!Number.isInteger(budget) || (budget as number) < MIN_BUDGET) {
    throw invalid('thinking.budget_tokens', `Input should be an integer of at least ${MIN_BUDGET}, got ${describe(budget)}`);
  }
  const tokens = budget as number;
  return tokens <= 1024 ? 'low' : tokens <= 4096 ? 'medium' : 'high';
}
