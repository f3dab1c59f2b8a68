// models.<alias>.anthropicModels: the Anthropic model names an alias answers to on /v1/messages,
// kept when given, absent otherwise, and refused (path-prefixed) when a name could pick two aliases.
import t from 'tap';
import { parseConfigObject } from './load.js';
import { aliasFor } from '../protocols/anthropic/models.js';

const base = {
  tiers: { small: { pools: ['gpu'] } },
  pools: { gpu: { engine: 'vllm', servedModel: 'm', replicas: [{ url: 'http://gpu-0:8000/' }] } },
};
const load = (models: Record<string, unknown>) => parseConfigObject({ ...base, models }, { env: {} });

t.test('names are kept on their alias and resolve to it', async (t) => {
  const result = load({ fast: { tiers: ['small'], anthropicModels: ['claude-haiku-4-5', 'claude-3-5-haiku-latest'] }, plain: { tiers: ['small'] } });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  t.strictSame(result.config.models['fast']?.anthropicModels, ['claude-haiku-4-5', 'claude-3-5-haiku-latest']);
  t.notOk('anthropicModels' in result.config.models['plain']!);
  t.equal(aliasFor(result.config, 'claude-3-5-haiku-latest'), 'fast');
  t.equal(aliasFor(result.config, 'plain'), 'plain');
  t.equal(aliasFor(result.config, 'claude-opus-4-8'), 'claude-opus-4-8');
});

t.test('a name listed twice, another alias’s name, or a bad list is refused at its path', async (t) => {
  const rows: [Record<string, unknown>, string][] = [
    [
      { a: { tiers: ['small'], anthropicModels: ['claude-x'] }, b: { tiers: ['small'], anthropicModels: ['claude-x'] } },
      'models.b.anthropicModels[0]: "claude-x" is already listed by models.a.anthropicModels',
    ],
    [{ a: { tiers: ['small'], anthropicModels: ['b'] }, b: { tiers: ['small'] } }, 'models.a.anthropicModels[0]: "b" is the name of the alias "b"'],
    [{ a: { tiers: ['small'], anthropicModels: [''] } }, 'models.a.anthropicModels[0]'],
    [{ a: { tiers: ['small'], anthropicModels: 'claude-x' } }, 'models.a.anthropicModels'],
    [{ a: { tiers: ['small'], anthropicModels: ['x', 'x'] } }, 'models.a.anthropicModels'],
  ];
  for (const [models, message] of rows) {
    const result = load(models);
    t.notOk(result.ok, message);
    if (!result.ok)
      t.ok(
        result.errors.some((error) => error.startsWith(message)),
        `${message} in ${result.errors.join(' | ')}`,
      );
  }
});
