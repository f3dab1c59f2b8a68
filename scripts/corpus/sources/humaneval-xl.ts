// HumanEval-XL (FloatAI/humaneval-xl, MIT): 80 HumanEval problems whose docstrings were translated into
// 22 languages besides English, each stubbed in 12 programming languages → complex (writing a function
// from a description). English is left to HumanEval. Per language PER_LANGUAGE problems, each in a
// programming language picked by hash; dev-set HumanEval problems are left out in every language.
import { createHash } from 'node:crypto';
import { readBlob, sourceRef, draw, type CorpusItem, type CorpusSource } from '../source.js';
import { devIds } from './dev-ids.js';
import { humanEvalId, humanEvalRecords } from './humaneval-data.js';

const REPO = 'FloatAI/humaneval-xl';
const COMMIT = 'ad93b7c7a399eb9f01885b5cfa23a317115e10fa';
const PER_LANGUAGE = 9;

/** HumanEval-XL's language names → ISO 639-1. */
const LANGUAGES: Readonly<Record<string, string>> = {
  Afrikaans: 'af',
  Arabic: 'ar',
  Bulgarian: 'bg',
  Chinese: 'zh',
  Dutch: 'nl',
  Estonian: 'et',
  Finnish: 'fi',
  French: 'fr',
  German: 'de',
  Greek: 'el',
  Hebrew: 'he',
  Hungarian: 'hu',
  Indonesian: 'id',
  Italian: 'it',
  Malay: 'ms',
  Persian: 'fa',
  Portuguese: 'pt',
  Russian: 'ru',
  Spanish: 'es',
  Tagalog: 'tl',
  Turkish: 'tr',
  Vietnamese: 'vi',
};
/** Directory name → code-fence tag. */
const PROGRAMMING: Readonly<Record<string, string>> = {
  python: 'python',
  java: 'java',
  javascript: 'javascript',
  csharp: 'csharp',
  go: 'go',
  kotlin: 'kotlin',
  perl: 'perl',
  php: 'php',
  ruby: 'ruby',
  scala: 'scala',
  swift: 'swift',
  typescript: 'typescript',
};

interface XlRecord {
  readonly task_id: string;
  readonly prompt: string;
  readonly description: string;
  readonly entry_point: string;
  readonly canonical_solution: string | null;
}

const cache = new Map<string, XlRecord[]>();

function records(programming: string, language: string): XlRecord[] {
  const path = `data/${programming}/${language}.jsonl`;
  const cached = cache.get(path);
  if (cached !== undefined) return cached;
  const parsed = readBlob(REPO, COMMIT, path)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    // Some files write a missing canonical solution as a bare NaN, which JSON does not allow.
    .map((line) => JSON.parse(line.replace(/: NaN([,}])/g, ': null$1')) as XlRecord);
  cache.set(path, parsed);
  return parsed;
}

/** The Python entry points of the 80 problems (other languages rename them, e.g. `belowZero`). */
export function humanEvalXlEntryPoints(): ReadonlySet<string> {
  return new Set(records('python', 'English').map((r) => r.entry_point));
}

/** The description without the comment markers (` * `, `//`, `#`) it carries in non-Python stubs. */
function plainDescription(description: string): string {
  return description
    .split('\n')
    .map((line) =>
      line
        .trim()
        .replace(/^(\*+|\/\/+|#+)\s?/, '')
        .trim(),
    )
    .filter((line) => line !== '')
    .join('\n');
}

export const source: CorpusSource = {
  name: 'humaneval-xl',
  items(): CorpusItem[] {
    // HumanEval task ids of dev items → Python entry points, matched against the XL problems.
    const dev = devIds();
    const english = records('python', 'English');
    const devEntryPoints = new Set<string>();
    for (const record of humanEvalRecords()) if (dev.has(humanEvalId(record))) devEntryPoints.add(record.entry_point);
    const programmingNames = Object.keys(PROGRAMMING);
    const items: CorpusItem[] = [];
    for (const [name, code] of Object.entries(LANGUAGES)) {
      const tasks = english.map((r, index) => ({ index, entry: r.entry_point })).filter((t) => !devEntryPoints.has(t.entry));
      for (const task of draw(tasks, PER_LANGUAGE, (t) => `${name}:${t.index}`)) {
        const pick = createHash('sha256').update(`${name}:${task.index}:pl`).digest().readUInt32BE(0);
        const programming = programmingNames[pick % programmingNames.length] ?? 'python';
        const record = records(programming, name)[task.index];
        if (record === undefined) continue;
        const tag = PROGRAMMING[programming] ?? programming;
        const path = `data/${programming}/${name}.jsonl`;
        items.push({
          id: `humanevalxl-${programming}-${code}-${task.index}`,
          messages: [{ role: 'user', content: `${plainDescription(record.description)}\n\n\`\`\`${tag}\n${record.prompt}\`\`\`` }],
          label: 'complex',
          source: sourceRef(REPO, COMMIT, path),
          source_name: 'humaneval-xl',
          source_category: `humaneval-xl:${programming}:function from a ${name} description`,
          language: code,
          license: 'MIT',
          rule: 'humaneval-xl-description-stub',
          ...(typeof record.canonical_solution === 'string' ? { answer: `\`\`\`${tag}\n${record.prompt}${record.canonical_solution}\`\`\`` } : {}),
        });
      }
    }
    return items;
  },
};
