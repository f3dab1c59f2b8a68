// The dev set's item ids. build.ts drops corpus items whose text equals a dev item, but a translation
// (MGSM, HumanEval-XL) or a parallel copy of a dev item has other text: the sources that have such
// copies leave them out by the dev item's native id, so the dev set stays an unseen check.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DEV = fileURLToPath(new URL('../../../test/fixtures/complexity/complexity-dev.jsonl', import.meta.url));

let cached: ReadonlySet<string> | null = null;

/** Every `id` of test/fixtures/complexity/complexity-dev.jsonl (e.g. `gsm8k-test-605`, `humaneval-111`). */
export function devIds(): ReadonlySet<string> {
  if (cached !== null) return cached;
  const ids = new Set<string>();
  for (const line of readFileSync(DEV, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const item = JSON.parse(line) as { id?: unknown };
    if (typeof item.id === 'string') ids.add(item.id);
  }
  cached = ids;
  return ids;
}
