// The admin API's gate: a bearer token from SWITCHYARD_ADMIN_TOKEN. Without one the admin API is
// off. Tokens are compared as SHA-256 digests in constant time, so neither timing nor length leaks.
import { createHash, timingSafeEqual } from 'node:crypto';
import { RouterError } from '../openai/errors.js';
import { bearerToken } from './bearer.js';
import type { AppMiddleware } from './state.js';

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
