// Every source of the corpus, in the order build.ts reads them. One line per source module.
import type { CorpusSource } from '../source.js';
import { source as t0p3 } from './t0-p3.js';
import { source as xquad } from './xquad.js';
import { source as vicunaBench } from './vicuna-bench.js';
import { source as expertqa } from './expertqa.js';
import { source as clinc150 } from './clinc.js';
import { source as nqOpen } from './nq-open.js';
import { source as miracl } from './miracl.js';
import { source as gsm8k } from './gsm8k.js';
import { source as mgsm } from './mgsm.js';
import { source as math } from './math.js';
import { source as proofnet } from './proofnet.js';
import { source as humaneval } from './humaneval.js';
import { source as humanEvalXl } from './humaneval-xl.js';
import { source as mbpp } from './mbpp.js';
import { source as aqua } from './aqua.js';
import { source as theoremqa } from './theoremqa.js';
import { source as agieval } from './agieval.js';
import { source as quixbugs } from './quixbugs.js';
import { source as exercism } from './exercism.js';
import { source as codingChallenges } from './coding-challenges.js';
import { source as systemDesign } from './system-design.js';
import { source as arenaHard } from './arena-hard.js';
import { source as mtBench101 } from './mt-bench-101.js';
import { source as mtBench } from './mt-bench.js';
import { source as selfInstructUser } from './self-instruct-user.js';

export const SOURCES: readonly CorpusSource[] = [
  clinc150,
  nqOpen,
  miracl,
  gsm8k,
  mgsm,
  math,
  proofnet,
  humaneval,
  humanEvalXl,
  mbpp,
  aqua,
  theoremqa,
  agieval,
  quixbugs,
  exercism,
  codingChallenges,
  systemDesign,
  arenaHard,
  mtBench,
  mtBench101,
  vicunaBench,
  expertqa,
  xquad,
  t0p3,
  selfInstructUser,
];
