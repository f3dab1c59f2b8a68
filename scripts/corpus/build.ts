// Builds data/complexity/corpus.jsonl from the source modules: every source's items, the
// conversations composed from them, minus exact duplicates and anything in the dev set (kept out
// for a second unseen check), in a stable hash order. Prints the counts the README reports.
// Sources marked heldOut (their authors ask that they not be trained on) are written to
// data/complexity/heldout.jsonl instead: a third unseen check, read by npm run eval:classifier.
//   npx tsx scripts/corpus/build.ts [--only NAME[,NAME]] [--dry-run]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeConversations } from './conversations.js';
import { hashOrder, normalise, type CorpusItem } from './source.js';
import { SOURCES } from './sources/index.js';

const ROOT = new URL('../../', import.meta.url);
const OUT = fileURLToPath(new URL('data/complexity/corpus.jsonl', ROOT));
const HELDOUT = fileURLToPath(new URL('data/complexity/heldout.jsonl', ROOT));
const DEV = fileURLToPath(new URL('test/fixtures/complexity/complexity-dev.jsonl', ROOT));
const LABELS = ['simple', 'moderate', 'complex'] as const;

function lastUserText(item: { readonly messages: readonly { readonly role: string; readonly content: unknown }[] }): string {
  for (let i = item.messages.length - 1; i >= 0; i--) {
    const message = item.messages[i];
    if (message?.role === 'user' && typeof message.content === 'string') return message.content;
  }
  return '';
}

function check(item: CorpusItem): string | null {
  if (!LABELS.includes(item.label)) return `bad label ${String(item.label)}`;
  if (item.messages.length === 0 || item.messages.at(-1)?.role !== 'user') return 'does not end with a user turn';
  if (item.messages.some((m) => typeof m.content !== 'string' || m.content.trim() === '')) return 'empty turn';
  for (const key of ['id', 'source', 'source_name', 'source_category', 'language', 'license'] as const)
    if (typeof item[key] !== 'string' || item[key] === '') return `missing ${key}`;
  return null;
}

function main(): void {
  const args = process.argv.slice(2);
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',')) : null;
  const dryRun = args.includes('--dry-run') || only !== null;

  const dev = new Set(
    readFileSync(DEV, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => normalise(lastUserText(JSON.parse(line) as CorpusItem))),
  );
  const seenIds = new Set<string>();
  const seenTexts = new Set<string>();
  const dropped: Record<string, number> = {};
  const drop = (why: string) => (dropped[why] = (dropped[why] ?? 0) + 1);
  const kept: CorpusItem[] = [];
  const heldOut: CorpusItem[] = [];
  const accept = (item: CorpusItem, into: CorpusItem[] = kept) => {
    const problem = check(item);
    if (problem !== null) throw new Error(`${item.source_name} ${item.id}: ${problem}`);
    if (seenIds.has(item.id)) throw new Error(`duplicate id ${item.id}`);
    const text = normalise(item.messages.map((m) => m.content).join('\n'));
    if (dev.has(normalise(lastUserText(item)))) return drop('in the dev set');
    if (seenTexts.has(text)) return drop('exact duplicate');
    seenIds.add(item.id);
    seenTexts.add(text);
    into.push(item);
  };
  for (const source of SOURCES) {
    if (only !== null && !only.has(source.name)) continue;
    for (const item of source.items()) accept(item, source.heldOut === true ? heldOut : kept);
  }
  for (const item of composeConversations(kept)) accept(item);

  const corpus = hashOrder(kept, (item) => item.id);
  printCounts(corpus, dropped);
  if (heldOut.length > 0) {
    console.log('\nheld out (never trained on):');
    printCounts(heldOut, {});
  }
  if (dryRun) return;
  writeFileSync(OUT, jsonLines(corpus));
  writeFileSync(HELDOUT, jsonLines(hashOrder(heldOut, (item) => item.id)));
}

const jsonLines = (items: readonly CorpusItem[]): string => items.map(({ answer: _answer, ...item }) => JSON.stringify(item)).join('\n') + '\n';

function printCounts(corpus: readonly CorpusItem[], dropped: Readonly<Record<string, number>>): void {
  const tally = (key: (item: CorpusItem) => string) => {
    const table = new Map<string, Record<string, number>>();
    for (const item of corpus) {
      const row = table.get(key(item)) ?? { simple: 0, moderate: 0, complex: 0 };
      row[item.label] = (row[item.label] ?? 0) + 1;
      table.set(key(item), row);
    }
    return [...table.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  };
  const print = (title: string, rows: [string, Record<string, number>][]) => {
    console.log(`\n| ${title} | simple | moderate | complex | total |\n|---|---|---|---|---|`);
    for (const [name, row] of rows) {
      const total = LABELS.reduce((sum, label) => sum + (row[label] ?? 0), 0);
      console.log(`| ${name} | ${row['simple'] ?? 0} | ${row['moderate'] ?? 0} | ${row['complex'] ?? 0} | ${total} |`);
    }
  };
  const userTurns = (item: CorpusItem) => item.messages.filter((m) => m.role === 'user').length;
  print(
    'all',
    tally(() => 'all'),
  );
  print(
    'source',
    tally((item) => item.source_name),
  );
  print(
    'language',
    tally((item) => item.language),
  );
  print(
    'turns',
    tally((item) => (userTurns(item) > 1 ? 'multi-turn' : 'single-turn')),
  );
  print(
    'system prompt',
    tally((item) => (item.messages[0]?.role === 'system' ? 'with' : 'without')),
  );
  print(
    'rule',
    tally((item) => item.rule ?? '(source item)'),
  );
  console.log('\ndropped:', JSON.stringify(dropped));
}

main();
