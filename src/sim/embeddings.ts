// /v1/embeddings: deterministic unit-length vectors seeded by each input's content, in either
// encoding OpenAI defines. "base64" matters most: the official openai SDK asks for it by default and
// decodes little-endian float32s.

import { randomUUID } from 'node:crypto';
import { badRequest } from './errors.js';
import { checkModel, isIntegerIn, requireObject } from './fields.js';
import { readTextInputs } from './inputs.js';
import { seededRandom } from './seed.js';

/** Larger than any real embedding model; guards the simulator against absurd allocations. */
const MAX_DIMENSIONS = 65_536;

export interface EmbeddingContext {
  readonly servedModel: string;
  readonly embeddingDimensions: number;
}

export interface EmbeddingResult {
  readonly body: string;
  readonly promptTokens: number;
}

export function embed(body: unknown, context: EmbeddingContext, created: number): EmbeddingResult {
  const request = requireObject(body);
  checkModel(request, context.servedModel);
  const inputs = readTextInputs(request['input'], 'input');
  const dimensions = request['dimensions'] ?? context.embeddingDimensions;
  if (!isIntegerIn(dimensions, 1, MAX_DIMENSIONS)) {
    throw badRequest(`dimensions must be an integer from 1 to ${MAX_DIMENSIONS}.`, 'dimensions');
  }
  const format = request['encoding_format'] ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    throw badRequest('encoding_format must be "float" or "base64".', 'encoding_format');
  }
  let promptTokens = 0;
  const data = inputs.map((input, index) => {
    promptTokens += input.tokens;
    const vector = unitVector(input.seed, dimensions);
    const embedding = format === 'base64' ? toBase64(vector) : Array.from(vector);
    return { index, object: 'embedding', embedding };
  });
  const response = {
    id: `embd-${randomUUID().replaceAll('-', '')}`,
    object: 'list',
    created,
    model: context.servedModel,
    data,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
  return { body: JSON.stringify(response), promptTokens };
}

/** Uniform components in [-1, 1), scaled to length 1, then stored as float32 as an engine would. */
export function unitVector(seed: number, dimensions: number): Float32Array {
  const random = seededRandom(seed);
  const values = new Float64Array(dimensions);
  let sumOfSquares = 0;
  for (let i = 0; i < dimensions; i++) {
    const value = random() * 2 - 1;
    values[i] = value;
    sumOfSquares += value * value;
  }
  // A zero vector is astronomically unlikely but would divide by zero; fall back to an axis.
  const norm = Math.sqrt(sumOfSquares);
  if (norm === 0) values[0] = 1;
  return Float32Array.from(values, (value) => (norm === 0 ? value : value / norm));
}

/** Little-endian float32 bytes, base64-encoded, whatever the host's byte order. */
function toBase64(vector: Float32Array): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i] ?? 0, i * 4);
  return bytes.toString('base64');
}
