// Turns a /v1/completions body into a GenerationPlan. Every prompt gets `n` choices, indexed
// prompt-major (prompt p, sample i → index p·n + i) as vLLM numbers them; prompt tokens add up.

import { checkModel, limitsFor, readSampling, requireObject } from './fields.js';
import { generateText } from './generate.js';
import { checkFieldTypes, COMPLETION_FIELDS } from './request-schema.js';
import { readTextInputs } from './inputs.js';
import { textChoice, type ChoicePlan, type GenerationPlan, type PlanContext } from './plan.js';
import { hashNumber } from './seed.js';

export function planCompletion(body: unknown, context: PlanContext): GenerationPlan {
  const request = requireObject(body);
  if (context.flavour === 'vllm') checkFieldTypes(request, COMPLETION_FIELDS);
  checkModel(request, context.servedModel);
  const prompts = readTextInputs(request['prompt'], 'prompt');
  const sampling = readSampling(request, ['max_tokens']);
  let promptTokens = 0;
  const choices: ChoicePlan[] = [];
  prompts.forEach((prompt, promptIndex) => {
    promptTokens += prompt.tokens;
    const limits = limitsFor(sampling, prompt.tokens, context);
    for (let sample = 0; sample < sampling.n; sample++) {
      const text = generateText(hashNumber(sample, prompt.seed), limits);
      choices.push(textChoice(promptIndex * sampling.n + sample, text));
    }
  });
  return { promptTokens, stream: sampling.stream, includeUsage: sampling.includeUsage, choices };
}
