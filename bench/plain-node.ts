// Bench helpers (the bare proxy, the mock engine, the loop-delay module) run as plain JavaScript in
// the wrk mode: under tsx, the loader's thread would add about 25 MB to a server's RSS and its
// hooks to its startup, and `--import` of a .ts file into the compiled router would need tsx in it.
// Each file is transpiled on its own (no type check: `npm run typecheck` covers bench/) into
// node_modules/.cache, from where bare imports such as `undici` resolve to the project's packages.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'node_modules/.cache/switchyard-bench');

/** Transpiles bench/<name>.ts to an ES module and returns its path. */
export function plainNode(name: string): string {
  const source = readFileSync(join(ROOT, 'bench', `${name}.ts`), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: `${name}.ts`,
  });
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `${basename(name)}.mjs`);
  writeFileSync(file, outputText);
  return file;
}
