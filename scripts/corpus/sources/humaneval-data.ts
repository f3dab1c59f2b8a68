// The HumanEval problems (openai/human-eval, MIT), read by the humaneval source and by humaneval-xl,
// which needs their entry points to leave the dev set's problems out of its translations.
import { gunzipSync } from 'node:zlib';
import { readBlob } from '../source.js';

export const HUMANEVAL_REPO = 'openai/human-eval';
export const HUMANEVAL_COMMIT = '6d43fb980f9fee3c892a914eda09951f772ad10d';
export const HUMANEVAL_PATH = 'data/HumanEval.jsonl.gz';

export interface HumanEvalRecord {
  readonly task_id: string;
  readonly prompt: string;
  readonly canonical_solution: string;
  readonly entry_point: string;
}

export function humanEvalRecords(): HumanEvalRecord[] {
  return gunzipSync(readBlob(HUMANEVAL_REPO, HUMANEVAL_COMMIT, HUMANEVAL_PATH))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as HumanEvalRecord);
}

/** `humaneval-<n>` for `HumanEval/<n>`: the dev set's id form. */
export function humanEvalId(record: HumanEvalRecord): string {
  return `humaneval-${record.task_id.split('/')[1] ?? record.task_id}`;
}
