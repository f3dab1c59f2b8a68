// The admin API's gate: a bearer token from SWITCHYARD_ADMIN_TOKEN. Without one the admin API is
// off. Tokens are compared as SHA-256 digests in constant time, so neither timing nor length leaks.
import { createHash, timingSafeEqual } from 'node:crypto';
import { RouterError } from '../openai/errors.js';
import { bearerToken } from './bearer.js';
import type { AppMiddleware } from './state.js';

/**
 * SWITCHYARD_ADMIN_TOKEN, or null when it is not set (the admin API is off). A token a client cannot
 * send as it is refused at start: bearer tokens are read trimmed from a Latin-1 header, so one with a
 * space, a control character (a trailing newline from a secret file) or a character outside ASCII
 * would make every admin call a 401, with nothing to say why.
 */
export function readAdminToken(env: NodeJS.ProcessEnv): string | null {
  const token = env['SWITCHYARD_ADMIN_TOKEN'];
  if (token === undefined || token === '') return null;
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code > 0x20 && code < 0x7f) continue;
    const what = code === 0x20 ? 'a space' : code < 0x20 || code === 0x7f ? 'a control character' : 'a character outside visible ASCII';
    throw new Error(`SWITCHYARD_ADMIN_TOKEN holds ${what} (at ${i}), which a client cannot send in an Authorization header`);
  }
  return token;
}

export function requireAdmin(adminToken: string | null): AppMiddleware {
  const expected = adminToken === null || adminToken === '' ? null : digest(adminToken);
  return async (ctx, next) => {
    if (expected === null) {
      throw new RouterError('admin_disabled', 'The admin API is disabled: set SWITCHYARD_ADMIN_TOKEN to enable it.');
    }
    const token = bearerToken(ctx.req.headers.authorization);
    if (token === '' || !timingSafeEqual(digest(token), expected)) {
      throw new RouterError('invalid_admin_token', 'A valid admin token is required (Authorization: Bearer <SWITCHYARD_ADMIN_TOKEN>).', {
        headers: { 'www-authenticate': 'Bearer' },
      });
    }
    await next();
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
