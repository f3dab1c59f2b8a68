// The one test for a JSON object (not null, not an array) that every reader of client bodies, engine
// answers, stored records and config uses before it looks a member up.

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
