// A predictor from trained weights. Everything it needs is built here, once: the weight table, the
// per-group sums and the evidence tables; predict() extracts features into a reused buffer, sums
// three dot products and a softmax, and names the feature groups that decided.
import { createHash } from 'node:crypto';
import type { LearnedClassifierModel, LearnedPrediction } from './contract.js';
import { DENSE_FEATURES } from './dense-features.js';
import { FeatureBuffer, groupValue } from './feature-buffer.js';
import { denseOffset, HASHED_GROUPS, HASHED_REASONS, rowCount } from './feature-layout.js';
import { extractFeatures } from './features.js';
import { softmax } from './train.js';
import type { ModelWeights } from './weights.js';

const MAX_EVIDENCE = 3;
/** Reasons closer to zero than this (in logits) are not worth naming. */
const MIN_EVIDENCE = 0.05;

export function modelFromWeights(weights: ModelWeights): LearnedClassifierModel {
  const { spec } = weights;
  const table = weights.weights;
  if (table.length !== rowCount(spec) * 3) throw new Error(`weights hold ${table.length} numbers, the feature layout needs ${rowCount(spec) * 3}`);
  const offset = denseOffset(spec);
  const buffer = new FeatureBuffer(table);
  const sums = buffer.sums;
  const groups = HASHED_GROUPS.length;
  const groupValues = new Float64Array(groups);

  // Evidence is gathered per reason word: hashed groups and dense features map onto a few words.
  const reasons: string[] = [];
  const reasonOf = (word: string) => {
    if (word === 'bias') return -1;
    const at = reasons.indexOf(word);
    return at >= 0 ? at : reasons.push(word) - 1;
  };
  const groupReason = Int8Array.from(HASHED_REASONS.map(reasonOf));
  const denseReason = Int8Array.from(DENSE_FEATURES.map(([, word]) => reasonOf(word)));
  const evidencePoints = new Float64Array(reasons.length);
  if (reasons.length > 30) throw new Error(`${reasons.length} reason words: evidenceFor marks them in a 31-bit mask`);
  const version = `complexity-v${weights.version}+${createHash('sha256')
    .update(new Uint8Array(table.buffer, table.byteOffset, table.byteLength))
    .digest('hex')
    .slice(0, 12)}`;

  function predict(body: Readonly<Record<string, unknown>>): LearnedPrediction {
    extractFeatures(body, spec, buffer);
    // The n-gram loop summed the last turn's character n-grams and words (buffer.table); the rows
    // it stored (positions, the other turns' words) are added here, each group in row order.
    const { rows, groups: rowGroups, dense } = buffer;
    for (let i = 0; i < buffer.length; i++) {
      const base = rows[i]! * 3;
      const g = rowGroups[i]! * 3;
      sums[g] = sums[g]! + table[base]!;
      sums[g + 1] = sums[g + 1]! + table[base + 1]!;
      sums[g + 2] = sums[g + 2]! + table[base + 2]!;
    }
    let z0 = 0;
    let z1 = 0;
    let z2 = 0;
    for (let g = 0; g < groups; g++) {
      const value = groupValue(spec, buffer, g);
      groupValues[g] = value;
      z0 += value * sums[g * 3]!;
      z1 += value * sums[g * 3 + 1]!;
      z2 += value * sums[g * 3 + 2]!;
    }
    for (let j = 0; j < dense.length; j++) {
      const x = dense[j]!;
      if (x === 0) continue;
      const base = (offset + j) * 3;
      z0 += x * table[base]!;
      z1 += x * table[base + 1]!;
      z2 += x * table[base + 2]!;
    }
    const probabilities = softmax(z0, z1, z2);
    return { probabilities, evidence: evidenceFor(probabilities) };
  }

  /** What pushed the winning class over the runner-up, by reason word, strongest first. */
  function evidenceFor(p: readonly [number, number, number]): string[] {
    const top = p[0] >= p[1] && p[0] >= p[2] ? 0 : p[1] >= p[2] ? 1 : 2;
    const second = top === 0 ? (p[1] >= p[2] ? 1 : 2) : top === 1 ? (p[0] >= p[2] ? 0 : 2) : p[0] >= p[1] ? 0 : 1;
    evidencePoints.fill(0);
    for (let g = 0; g < groups; g++) {
      const reason = groupReason[g]!;
      if (reason >= 0) evidencePoints[reason] = evidencePoints[reason]! + groupValues[g]! * (sums[g * 3 + top]! - sums[g * 3 + second]!);
    }
    const { dense } = buffer;
    for (let j = 0; j < dense.length; j++) {
      const x = dense[j]!;
      const reason = denseReason[j]!;
      if (x === 0 || reason < 0) continue;
      const base = (offset + j) * 3;
      evidencePoints[reason] = evidencePoints[reason]! + x * (table[base + top]! - table[base + second]!);
    }
    const words: string[] = [];
    // Reasons already named, as bits (there are fewer than 31 reason words).
    let used = 0;
    while (words.length < MAX_EVIDENCE) {
      let best = -1;
      for (let r = 0; r < evidencePoints.length; r++)
        if ((used & (1 << r)) === 0 && evidencePoints[r]! >= MIN_EVIDENCE && (best < 0 || evidencePoints[r]! > evidencePoints[best]!)) best = r;
      if (best < 0) break;
      used |= 1 << best;
      words.push(reasons[best]!);
    }
    return words;
  }

  return { version, predict };
}
