// Where the Messages API lives. Its routes (routes.ts) are matched exactly; an error the router gives
// before or beside them (an unknown path under it, a body that broke HTTP) is still told in Anthropic's
// envelope to a client that spoke to a path of this API, since that is the shape its SDK reads.
export const MESSAGES_PATH = '/v1/messages';
export const COUNT_TOKENS_PATH = '/v1/messages/count_tokens';

/** Whether `path` (without its query) is the Messages API's or under it. */
export function isMessagesPath(path: string): boolean {
  return path === MESSAGES_PATH || path.startsWith(`${MESSAGES_PATH}/`);
}
