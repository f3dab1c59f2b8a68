// The Messages API's inference routes, for the lane's route table (src/http/handlers/inference.ts):
// POST /v1/messages goes through the one inference handler like every API; count_tokens has its own
// (no engine is asked).
import type { BudgetService } from '../../budgets/service.js';
import type { InferenceRoute } from '../../http/handlers/inference.js';
import type { RouterState } from '../../http/state.js';
import type { InboundProtocol } from '../protocol.js';
import { countTokens } from './count-tokens.js';
import { COUNT_TOKENS_PATH, MESSAGES_PATH } from './paths.js';
import { messagesProtocol } from './protocol.js';

export function messagesRoutes(route: (protocol: InboundProtocol) => InferenceRoute, state: RouterState, budgets: BudgetService | null): [string, InferenceRoute][] {
  const counting = messagesProtocol(true);
  return [
    [MESSAGES_PATH, route(messagesProtocol())],
    [COUNT_TOKENS_PATH, { protocol: counting, handler: countTokens(counting, state, budgets) }],
  ];
}
