// Every source of the corpus, in the order build.ts reads them. One line per source module.
import type { CorpusSource } from '../source.js';
import { source as mtBench } from './mt-bench.js';

export const SOURCES: readonly CorpusSource[] = [
  mtBench,
];
