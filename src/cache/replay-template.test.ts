// A template filled with an identity is byte for byte what serialising `{ ...body, id, created }` gives.
import t from 'tap';
import type { CacheEntry } from './entry.js';
import { render, TemplateBuilder, templateFor, type Fill } from './replay-template.js';

const bodies: Record<string, Record<string, unknown>> = {
  'id and created in place': { id: 'chatcmpl-old', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { content: 'a "quoted" \u2028 text' } }] },
  'no id, no created': { object: 'list', data: [{ embedding: [0.5, -0, 1e30] }] },
  'created before id': { created: 5, model: 'm', id: 'x' },
  'only created': { created: 5, model: 'm' },
  'integer-like names first': { id: 'x', '2': 'two', created: 1, '1': 'one' },
  'a nested id stays': { id: 'x', created: 1, choices: [{ id: 'inner', created: 7 }] },
  empty: {},
};
const identities = [
  { id: 'chatcmpl-req1', created: 99 },
  { id: 'id "with" quotes\n', created: 1_700_000_000 },
  // Bytes, not characters: a multi-byte id must not shift the pieces after it.
  { id: 'chatcmpl-é€😀', created: 0 },
];

for (const [name, body] of Object.entries(bodies)) {
  t.test(name, async (t) => {
    const builder = new TemplateBuilder();
    builder.add('data: ');
    builder.object(body, 'holes');
    builder.add('\n\n');
    const template = builder.build();
    // The same template serves every hit, each with its own identity.
    for (const identity of identities) {
      t.strictSame(render(template, identity), Buffer.from(`data: ${JSON.stringify({ ...body, id: identity.id, created: identity.created })}\n\n`));
    }
  });
}

t.test('without an identity the body is kept as it was', async (t) => {
  const body = bodies['id and created in place']!;
  const builder = new TemplateBuilder();
  builder.object(body, null);
  builder.object(body, null);
  t.strictSame(render(builder.build(), null), Buffer.from(JSON.stringify(body) + JSON.stringify(body)));
});

t.test('an identity written in gives the same text as the holes filled', async (t) => {
  for (const body of Object.values(bodies)) {
    const builder = new TemplateBuilder();
    builder.object(body, identities[0]!);
    t.strictSame(render(builder.build(), identities[0]!), Buffer.from(JSON.stringify({ ...body, ...identities[0]! })));
  }
});

t.test("an entry's first use writes its identity in; the template is kept from its second use on", async (t) => {
  const stored = { parts: [] } as unknown as CacheEntry;
  const fills: Fill[] = [];
  const body = bodies['id and created in place']!;
  const build = (fill: Fill): ReturnType<TemplateBuilder['build']> => {
    fills.push(fill);
    const builder = new TemplateBuilder();
    builder.object(body, fill);
    return builder.build();
  };
  const texts = [0, 1, 0, 1].map((i) => render(templateFor(stored, 'shape', identities[i]!, build), identities[i]!).toString('utf8'));
  t.strictSame(fills, [identities[0], 'holes']);
  t.strictSame(
    texts,
    [0, 1, 0, 1].map((i) => JSON.stringify({ ...body, ...identities[i]! })),
  );
});
