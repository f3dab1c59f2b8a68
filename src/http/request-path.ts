// The path a request names, computed exactly as koa computes `ctx.path` (the parseurl package): the lane
// takes exactly the requests a route table keyed by `ctx.path` would match to an inference route (query
// and fragment ignored, absolute-form targets by their path), and koa sees all the others.
import { parse } from 'node:url';

/** What makes parseurl leave its fast path for the full URL parser (a fragment, whitespace, an absolute form). */
const FULL_PARSE = /[\t\n\f\r #\u00a0\ufeff]/;

/** The request target's path without its query; null when the target cannot be parsed (koa matches no route to it). */
export function requestPath(target: string): string | null {
  if (target.charCodeAt(0) === 0x2f && !FULL_PARSE.test(target)) {
    const query = target.indexOf('?');
    return query === -1 ? target : target.slice(0, query);
  }
  // Rare (absolute-form targets, fragments): Node's legacy parser, which is what parseurl and so koa use;
  // only its pathname is read. A target it throws on never reaches an inference route in koa either.
  try {
    return parse(target).pathname;
  } catch {
    return null;
  }
}
