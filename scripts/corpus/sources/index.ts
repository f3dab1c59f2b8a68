// Every source of the corpus, in the order build.ts reads them. One line per source module.
import type { CorpusSource } from '../source.js';

export const SOURCES: readonly CorpusSource[] = [
];
