import t from 'tap';
import { createHash } from 'node:crypto';
import { generateKey, hashKey, newGeneration, newKeyId, secretMatches, SECRET_PREFIX } from './keys.js';
import { isKeyId } from './types.js';

t.test('generated keys: random secret, its sha256, a visible prefix', async (t) => {
  const a = generateKey();
  const b = generateKey();
  t.not(a.secret, b.secret);
  t.ok(a.secret.startsWith(SECRET_PREFIX));
  t.match(a.secret, /^sy-[A-Za-z0-9_-]{43}$/, '32 bytes of base64url');
  t.equal(a.hash, createHash('sha256').update(a.secret).digest('hex'));
  t.equal(a.hash, hashKey(a.secret));
  t.equal(a.prefix, a.secret.slice(0, 8));
  t.notOk(a.hash.includes(a.secret));
});

t.test('secretMatches compares digests', async (t) => {
  const key = generateKey();
  t.ok(secretMatches(key.secret, key.hash));
  t.notOk(secretMatches(`${key.secret}x`, key.hash));
  t.notOk(secretMatches(key.secret, 'abcd'), 'a malformed hash never matches');
  t.notOk(secretMatches(key.secret, ''));
});

t.test('key ids are usable inside a Redis hash tag', async (t) => {
  t.ok(isKeyId(newKeyId()));
  t.not(newKeyId(), newKeyId());
  for (const bad of ['', 'a}b', 'a{b', 'a:b', 'a b', 'x'.repeat(65)]) t.notOk(isKeyId(bad), JSON.stringify(bad));
  for (const good of ['team-a', 'key_AbC9', 'k']) t.ok(isKeyId(good), good);
});

t.test('generations are random, 96 bits of base64url', async (t) => {
  t.match(newGeneration(), /^[A-Za-z0-9_-]{16}$/);
  t.not(newGeneration(), newGeneration());
});
