// The Dockerfile, read instruction by instruction (no Docker engine here): a current Node LTS, slim,
// multi-stage with production dependencies only in the image, an unprivileged numeric user, a
// health check, and every file the router reads at start copied where the compiled code looks for it.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parse } from 'yaml';
import { DEFAULT_MODEL_FILE } from '../../src/classify/learned/model-file.js';

const ROOT = new URL('../../', import.meta.url);

interface Instruction {
  readonly op: string;
  readonly args: string;
}

/** Instructions in order: comments dropped, backslash continuations joined. */
function instructions(text: string): Instruction[] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return logical
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

const all = instructions(readFileSync(new URL('Dockerfile', ROOT), 'utf8'));
const stageStarts = all.flatMap((ins, index) => (ins.op === 'FROM' ? [index] : []));
const stages = stageStarts.map((start, i) => all.slice(start, stageStarts[i + 1] ?? all.length));
const build = stages[0] ?? [];
const final = stages.at(-1) ?? [];
const args = (stage: readonly Instruction[], op: string) => stage.filter((ins) => ins.op === op).map((ins) => ins.args);

t.test('two stages on a slim image of a current Node LTS', async (t) => {
  t.equal(stages.length, 2);
  const images = args(all, 'FROM').map((from) => from.split(' ')[0] ?? '');
  t.equal(new Set(images).size, 1, `both stages on one image (${images.join(', ')})`);
  const match = /^node:(\d+)-(bookworm|trixie)-slim$/.exec(images[0] ?? '');
  t.ok(match, `${images[0] ?? ''} is node:<major>-<debian>-slim`);
  const major = Number(match?.[1]);
  // Even majors become LTS; 24 is the active LTS (README, Deployment), and the code runs on 20 and later.
  t.ok(major >= 24 && major % 2 === 0, `Node ${major} is an LTS line, 24 or later`);
  t.ok(
    major >= Number(/\d+/.exec(String((JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { engines: { node: string } }).engines.node))?.[0]),
    "at least package.json's engines.node",
  );
});

t.test('production dependencies only: the build stage prunes dev dependencies before the image copies them', async (t) => {
  t.match(args(build, 'FROM')[0], / AS build$/);
  t.ok(
    args(build, 'RUN').some((run) => /npm prune --omit=dev|npm ci --omit=dev/.test(run)),
    'dev dependencies removed',
  );
  const copies = args(final, 'COPY');
  t.ok(copies.includes('--from=build /app/node_modules ./node_modules'), 'node_modules from the build stage');
  t.ok(copies.includes('--from=build /app/dist ./dist'), 'compiled JavaScript from the build stage');
  t.notOk(
    copies.some((copy) => /(^|\s)(src|test|bench)(\s|$)/.test(copy)),
    'no sources or tests in the image',
  );
});

t.test('runs as an unprivileged numeric user, with a health check, and node as PID 1', async (t) => {
  const user = args(final, 'USER');
  t.strictSame(user, ['1000:1000'], 'numeric, so runAsNonRoot can verify it');
  const k8s = readFileSync(new URL('deploy/k8s/switchyard.yaml', ROOT), 'utf8');
  t.match(k8s, /runAsUser: 1000\n/, 'the Kubernetes manifest runs as the same user');
  const userAt = final.findIndex((ins) => ins.op === 'USER');
  const cmdAt = final.findIndex((ins) => ins.op === 'CMD');
  t.ok(userAt >= 0 && userAt < cmdAt, 'USER before CMD');
  t.notOk(
    final.slice(userAt).some((ins) => ins.op === 'USER' && /^(0|root)(:|$)/.test(ins.args)),
    'never root again',
  );
  const health = args(final, 'HEALTHCHECK');
  t.equal(health.length, 1);
  t.match(health[0], /CMD node -e .*\/healthz/);
  const cmd = JSON.parse(args(final, 'CMD')[0] ?? 'null') as unknown;
  t.strictSame(cmd, ['node', '--max-old-space-size=768', 'dist/main.js'], 'exec form: node receives SIGTERM and drains');
  t.strictSame(args(final, 'EXPOSE'), ['8080 9464']);
});

t.test('every file the router reads at start is in the image where the compiled code looks', async (t) => {
  const env = args(final, 'ENV').join(' ');
  t.match(env, /SWITCHYARD_CONFIG=\/app\/router\.yaml/);
  t.strictSame(args(final, 'WORKDIR'), ['/app']);
  // In the image, dist/ is /app/dist, so a path relative to the repository is one relative to /app.
  const modelFile = relative(fileURLToPath(ROOT), DEFAULT_MODEL_FILE);
  t.equal(modelFile, 'models/complexity.json', 'the learned classifier reads models/complexity.json beside dist/');
  const copied = args(final, 'COPY')
    .filter((copy) => !copy.startsWith('--from'))
    .flatMap((copy) => {
      const parts = copy.split(' ');
      return parts.slice(0, -1);
    });
  const covered = (file: string) => copied.some((source) => file === source || file.startsWith(`${source}/`));
  for (const file of [modelFile, 'router.yaml', 'package.json']) t.ok(covered(file), `${file} is copied`);
  const shipped = parse(readFileSync(new URL('router.yaml', ROOT), 'utf8')) as { classifier?: { mode?: string } };
  t.equal(shipped.classifier?.mode, 'learned', 'the shipped router.yaml needs the model file');
});

t.test('.dockerignore keeps the context small and leaves in what the build copies', async (t) => {
  const patterns = readFileSync(new URL('.dockerignore', ROOT), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const ignored = (path: string) => patterns.some((pattern) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/|$)`).test(path));
  for (const path of ['node_modules', '.git', 'dist', 'data', 'test']) t.ok(ignored(path), `${path} is not sent`);
  const needed = [...args(build, 'COPY'), ...args(final, 'COPY')].filter((copy) => !copy.startsWith('--from')).flatMap((copy) => copy.split(' ').slice(0, -1));
  t.ok(needed.length >= 6, needed.join(', '));
  for (const path of needed) t.notOk(ignored(path), `${path} is sent`);
});
