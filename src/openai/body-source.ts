// The text a request body was parsed from, kept on the parsed object under a symbol that is not
// enumerable (spreads, Object.assign and JSON.stringify leave it behind, so a copy the router changed
// never carries a stale source), so the body an engine gets can be the client's own text with the
// router's few changes spliced in (json-members.ts). A body the router rebuilt (a translation, a
// dropped field) has no source and is serialised whole. Not a WeakMap: its entries cost every
// garbage collection, one per request in flight.
import { withMembers, withoutMembers } from './json-members.js';

const SOURCE = Symbol('json source');

type Sourced = { [SOURCE]?: string };

/** Keeps `text` as the source of `parsed` (a JSON object read from it). */
export function rememberSource(parsed: object, text: string): void {
  Object.defineProperty(parsed, SOURCE, { value: text });
}

/** The text `body` was parsed from; undefined for an object the router built. */
export function sourceOf(body: object): string | undefined {
  return (body as Sourced)[SOURCE];
}

/**
 * `body` with members set (and those named in `without` left out), serialised: its source with those
 * changes spliced in when it has one, else JSON.stringify of the object with them.
 */
export function serialiseWith(body: Readonly<Record<string, unknown>>, values: Readonly<Record<string, unknown>>, without: readonly string[] = []): string {
  const source = sourceOf(body);
  if (source !== undefined) {
    const spliced = withMembers(source, new Map(Object.entries(values).map(([name, value]) => [name, JSON.stringify(value)])));
    const left = spliced === null || without.length === 0 ? spliced : withoutMembers(spliced, new Set(without));
    if (left !== null) return left;
  }
  const copy: Record<string, unknown> = { ...body, ...values };
  for (const name of without) delete copy[name];
  return JSON.stringify(copy);
}

/** A copy of `body` with one member set, whose source (when `body` has one) is the source with it spliced in. */
export function withMember(body: Readonly<Record<string, unknown>>, name: string, value: unknown): Record<string, unknown> {
  const copy = { ...body, [name]: value };
  const source = sourceOf(body);
  const spliced = source === undefined ? null : withMembers(source, new Map([[name, JSON.stringify(value)]]));
  if (spliced !== null) rememberSource(copy, spliced);
  return copy;
}
