// Bearer keys for the OpenAI API routes. With auth.required every call needs a valid, enabled key;
// otherwise a known key is metered and anything else runs as an anonymous, unmetered caller (the SDKs
// always send some key, often a placeholder). Health, metrics and admin routes are not for clients' keys.
import type { IncomingHttpHeaders } from 'node:http';
import type { BudgetService } from '../budgets/service.js';
import type { KeyRecord } from '../budgets/types.js';
import { RouterError } from '../openai/errors.js';
import { bearerToken } from './bearer.js';
import type { AppMiddleware, RouterState } from './state.js';

/** The caller's key from the secret it sent ('' for none): null for an anonymous caller; refusals are thrown. */
export async function identifyCaller(secret: string, state: RouterState, budgets: BudgetService): Promise<KeyRecord | null> {
  const required = state.runtime.config.auth.required;
  if (secret === '') {
    if (!required) return null;
    throw new RouterError('missing_api_key', "You didn't provide an API key. Send it in an Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY).");
  }
  const lookup = await budgets.lookup(secret);
  if ('unavailable' in lookup) {
    // Nothing can be known about the key: fail-closed refuses, fail-open lets it through unmetered.
    if (budgets.settings.onStoreError === 'fail-open') return null;
    throw new RouterError('budget_store_unavailable', 'API keys cannot be checked right now; try again shortly.', {
      headers: { 'retry-after': '1' },
    });
  }
  const key = lookup.found;
  if (key === null) {
    if (!required) return null;
    throw new RouterError('invalid_api_key', `Incorrect API key provided: ${mask(secret)}.`);
  }
  if (!key.enabled) throw new RouterError('key_disabled', 'This API key is disabled.');
  return key;
}

/**
 * The caller's key as route middleware: the route table attaches it to the routes that take clients'
 * keys, so whether a request is authenticated is decided by the same exact match that picks its
 * handler, never by a second look at the path's spelling.
 */
export function authenticate(state: RouterState, budgets: BudgetService | null, credential: (headers: IncomingHttpHeaders) => string = bearerOf): AppMiddleware {
  return async (ctx, next) => {
    ctx.state.key = budgets === null ? null : await identifyCaller(credential(ctx.req.headers), state, budgets);
    await next();
  };
}

function bearerOf(headers: IncomingHttpHeaders): string {
  return bearerToken(headers.authorization);
}

/** Enough of a secret to recognise it in a message, never enough to use it. */
function mask(secret: string): string {
  return secret.length <= 8 ? '***' : `${secret.slice(0, 6)}***${secret.slice(-2)}`;
}
