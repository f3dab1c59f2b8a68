import { readFileSync } from 'node:fs';
import t from 'tap';
import { SCHEMA_FILE, schemaFileText } from '../cli/generate-schema.js';
import { routerSchema } from './schema.js';

t.test('config/router.schema.json is in sync with the schema', async (t) => {
  const committed = readFileSync(SCHEMA_FILE, 'utf8');
  t.equal(
    committed,
    schemaFileText(),
    'config/router.schema.json is out of date: regenerate it with `npm run generate-schema` (or `npx tsx src/cli/generate-schema.ts`) and commit it',
  );
});

t.test('the schema is draft-07 with an id, a title and descriptions for editors', async (t) => {
  t.equal(routerSchema.$schema, 'http://json-schema.org/draft-07/schema#');
  t.ok(routerSchema.$id);
  t.ok(routerSchema.title);
  for (const [key, section] of Object.entries(routerSchema.properties)) t.ok(section.description, `${key} has a description`);
});

/** Every object schema, with its path in the schema. */
function objectSchemas(node: unknown, path: string, out: [string, Record<string, unknown>][]): typeof out {
  if (Array.isArray(node)) node.forEach((child, i) => objectSchemas(child, `${path}/${i}`, out));
  else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (record.type === 'object') out.push([path, record]);
    for (const [key, child] of Object.entries(record)) objectSchemas(child, `${path}/${key}`, out);
  }
  return out;
}

t.test('every object rejects unknown keys', async (t) => {
  const objects = objectSchemas(routerSchema, '#', []);
  t.ok(objects.length >= 9, 'walked the whole schema');
  for (const [path, schema] of objects) {
    // Either closed (`false`) or a named-entries map whose values have their own schema.
    const closed = schema.additionalProperties === false;
    const map = typeof schema.additionalProperties === 'object' && schema.properties === undefined;
    t.ok(closed || map, `${path} sets additionalProperties`);
    // Every property of a closed object carries help text for editors.
    if (closed && schema.properties !== null && typeof schema.properties === 'object') {
      for (const [key, property] of Object.entries(schema.properties)) {
        t.ok(typeof (property as { description?: unknown }).description === 'string', `${path}/${key} has a description`);
      }
    }
  }
});
