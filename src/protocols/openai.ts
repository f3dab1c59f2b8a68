// OpenAI's own API (chat completions, completions, embeddings): the neutral request is the client's
// body as parsed, and the answer is the engine's bytes, so nothing is translated either way.
import { bearerToken } from '../http/bearer.js';
import { writeError } from '../http/render-errors.js';
import { parseRequest, type Endpoint } from '../routing/inference-request.js';
import type { InboundProtocol } from './protocol.js';

export function openaiProtocol(endpoint: Endpoint): InboundProtocol {
  return {
    api: 'openai',
    endpoint,
    credential: (headers) => bearerToken(headers.authorization),
    parse: (body, { runtime }) => parseRequest(endpoint, body, runtime.config.defaultModel),
    writeError: (res, error) => writeError(res, error),
  };
}
