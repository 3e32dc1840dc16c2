/**
 * The fast path of aggregate.ts. Every total and criterion score is read as an integer number of
 * millionths (scaledScore); sums stay below 2^53 − 1, so they are exact, and each exact rational
 * that the reference (aggregate.exact.ts) turns into a float (a mean, a difference from a judge's
 * mean) is divided here as two exactly held integers, which IEEE division rounds to the same
 * nearest float. Any value that does not fit (a non-number, a huge score, float noise at the 7th
 * decimal, a duplicate sheet) makes the fast path answer null, and the caller runs the reference,
 * which also raises the errors. The sheets come as columns grouped by entry (sheet-groups.ts).
 */
import type { Aggregation } from "../contests/contests.schemas.js";
import type { CriterionTally, EntryAggregate } from "./aggregate.js";
import { TRIM_MIN_SHEETS, type Spread } from "./aggregate.exact.js";
import {
  div,
  fraction,
  roundFloatHalfUp,
  roundFraction,
  roundRatio,
  SCORE_SCALE,
  sub,
  toNumber,
  type Fraction,
} from "./decimal.js";
import type { Flat } from "./sheet-groups.js";

const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * criterionTallies as a table: per entry (in order of first appearance, as the map's) and
 * criterion, the exact sum in millionths (readScore × 10^6, a safe integer) and the count, at
 * row × keys.length + criterion. `tallyMap` turns it into criterionTallies's map.
 */
export interface TallyTable {
  keys: readonly string[];
  entryIds: readonly string[];
  sums: Float64Array;
  counts: Float64Array;
}

export function tallyMap(table: TallyTable): Map<string, CriterionTally[]> {
  const width = table.keys.length;
  const tallies = new Map<string, CriterionTally[]>();
  for (let g = 0; g < table.entryIds.length; g++) {
    const cells = new Array<CriterionTally>(width);
    // The nearest float to the exact sum, as toNumber gives it.
    for (let i = 0; i < width; i++)
      cells[i] = {
        key: table.keys[i],
        sum: table.sums[g * width + i] / SCORE_SCALE,
        count: table.counts[g * width + i],
      };
    tallies.set(table.entryIds[g], cells);
  }
  return tallies;
}

/** Whether some entry has two sheets of one judge (the reference then throws). */
function duplicateJudge(flat: Flat): boolean {
  const { start, judgeOf } = flat;
  for (let g = 0; g + 1 < start.length; g++) {
    const from = start[g];
    const to = start[g + 1];
    if (to - from > 16) {
      const seen = new Set<number>();
      for (let r = from; r < to; r++) seen.add(judgeOf[r]);
      if (seen.size !== to - from) return true;
      continue;
    }
    for (let a = from; a < to; a++) for (let b = a + 1; b < to; b++) if (judgeOf[a] === judgeOf[b]) return true;
  }
  return false;
}

/** The mean of a group's scaled totals, leaving out the members at skipA and skipB (or −1), as exactResult gives it; null if a sum could pass 2^53. */
function fastMean(
  flat: Flat,
  g: number,
  method: Aggregation,
  skipA: number,
  skipB: number,
  dropped: EntryAggregate["dropped"],
): EntryAggregate | null {
  const from = flat.start[g];
  const to = flat.start[g + 1];
  let total = 0;
  let magnitude = 0;
  const kept: number[] = [];
  for (let r = from; r < to; r++) {
    if (r === skipA || r === skipB) continue;
    total += flat.scaledTotals[r];
    magnitude += Math.abs(flat.scaledTotals[r]);
    kept.push(flat.totals[r]);
  }
  const den = kept.length * SCORE_SCALE;
  if (magnitude > SAFE || den > SAFE) return null;
  const score = roundRatio(total, den, 2);
  if (score === null) return null;
  return { entryId: flat.entryIds[g], rawScore: total / den, score, judges: to - from, method, dropped, kept };
}

function fastTrimmed(flat: Flat, g: number): EntryAggregate | null {
  const from = flat.start[g];
  const to = flat.start[g + 1];
  if (to - from < TRIM_MIN_SHEETS) return fastMean(flat, g, "trimmed", -1, -1, null);
  // judgeOf follows the ids' order, so comparing it compares the judge ids.
  const { scaledTotals: t, judgeOf: judge } = flat;
  // As trimmed(): the lowest (smallest judgeId among equals), then the highest of the others.
  let lowest = from;
  for (let r = from + 1; r < to; r++)
    if (t[r] < t[lowest] || (t[r] === t[lowest] && judge[r] < judge[lowest])) lowest = r;
  let highest = -1;
  for (let r = from; r < to; r++) {
    if (r === lowest) continue;
    if (highest < 0 || t[r] > t[highest] || (t[r] === t[highest] && judge[r] < judge[highest])) highest = r;
  }
  const dropped = {
    highest: { judgeId: flat.judgeIds[judge[highest]], total: flat.totals[highest] },
    lowest: { judgeId: flat.judgeIds[judge[lowest]], total: flat.totals[lowest] },
  };
  return fastMean(flat, g, "trimmed", lowest, highest, dropped);
}

/** Exact sums over scaled integers: Σv and Σv² of one judge or of the whole round. */
interface FastSpread {
  count: number;
  sum: number;
  squares: number;
}

/** zscores() on scaled integers; null when a sum of squares could pass 2^53. */
function fastZscores(flat: Flat): EntryAggregate[] | null {
  const { start, judgeOf, scaledTotals: totals } = flat;
  const n = totals.length;
  if (n === 0) return [];
  // Divide out the common power of ten (whole-point totals become small integers), so that the
  // sums of squares stay small: value = v / unitDen with v an integer.
  let power = SCORE_SCALE;
  let largest = 0;
  for (let s = 0; s < n; s++) while (power > 1 && totals[s] % power !== 0) power /= 10;
  for (let s = 0; s < n; s++) largest = Math.max(largest, Math.abs(totals[s] / power));
  if (largest * largest * n > SAFE || largest * n > SAFE) return null;
  const unitDen = SCORE_SCALE / power;

  // In the reference's order: the sheets group by group.
  const pooledSums: FastSpread = { count: 0, sum: 0, squares: 0 };
  const byJudge = new Map<number, FastSpread>();
  for (let r = 0; r < n; r++) {
    const v = totals[r] / power;
    let judge = byJudge.get(judgeOf[r]);
    if (judge === undefined) {
      judge = { count: 0, sum: 0, squares: 0 };
      byJudge.set(judgeOf[r], judge);
    }
    judge.count += 1;
    judge.sum += v;
    judge.squares += v * v;
    pooledSums.count += 1;
    pooledSums.sum += v;
    pooledSums.squares += v * v;
  }
  // The same reduced fractions as spread() in the reference: mean = Σv / (n·u), variance = (nΣv² − (Σv)²) / (n·u)².
  const exactSpread = (s: FastSpread): Spread => {
    const count = BigInt(s.count);
    const total = BigInt(s.sum);
    const den = count * BigInt(unitDen);
    return {
      mean: fraction(total, den),
      variance: fraction(count * BigInt(s.squares) - total * total, den * den),
      count: s.count,
    };
  };
  const pooled = exactSpread(pooledSums);
  const pooledMean = toNumber(pooled.mean);
  // Per judge: null for no spread information (offset 0), else the factor sqrt(pooledVar / var_j) with Σv, n and the mean.
  const judges = new Map<number, { factor: number; sum: number; count: number; mean: Fraction } | null>();
  for (const [judgeId, s] of byJudge) {
    const spread = exactSpread(s);
    judges.set(
      judgeId,
      s.count < 2 || spread.variance.num === 0n
        ? null
        : {
            factor: Math.sqrt(toNumber(div(pooled.variance, spread.variance))),
            sum: s.sum,
            count: s.count,
            mean: spread.mean,
          },
    );
  }
  let pooledScore: number | undefined;
  const results = new Array<EntryAggregate>(flat.entryIds.length);
  for (let g = 0; g < flat.entryIds.length; g++) {
    const from = start[g];
    const size = start[g + 1] - from;
    const offsets = new Array<number>(size);
    const kept = new Array<number>(size);
    let exact = true;
    for (let k = 0; k < size; k++) {
      const s = from + k;
      kept[k] = flat.totals[s];
      const judge = judges.get(judgeOf[s])!;
      if (judge === null) {
        offsets[k] = 0;
        continue;
      }
      // total − mean_j = (v·n_j − Σv_j) / (n_j·u): one division of exact integers when they fit.
      const v = totals[s] / power;
      const den = judge.count * unitDen;
      const difference =
        Math.abs(v) * judge.count + Math.abs(judge.sum) <= SAFE && den <= SAFE
          ? (v * judge.count - judge.sum) / den
          : toNumber(sub(fraction(BigInt(v), BigInt(unitDen)), judge.mean));
      const offset = difference * judge.factor;
      offsets[k] = offset;
      if (offset !== 0) exact = false;
    }
    let offsetSum = 0;
    for (let k = 0; k < size; k++) offsetSum += offsets[k];
    const meanOffset = offsetSum / size;
    const base = {
      entryId: flat.entryIds[g],
      judges: size,
      method: "zscore" as const,
      dropped: null,
      kept,
      standardized: offsets.map((o) => pooledMean + o),
    };
    if (exact) {
      pooledScore ??= roundFraction(pooled.mean, 2);
      results[g] = { ...base, rawScore: pooledMean, score: pooledScore };
    } else {
      results[g] = { ...base, rawScore: pooledMean + meanOffset, score: roundFloatHalfUp(pooledMean + meanOffset, 2) };
    }
  }
  return results;
}

/**
 * Runs a fast path; null when it cannot answer, or when it throws on malformed input: the
 * reference then throws its own error, for the first bad sheet in input order.
 */
export function attempt<T>(fast: () => T | null): T | null {
  try {
    return fast();
  } catch {
    return null;
  }
}

/** The aggregates of the groups in order, or null: the caller runs the reference. */
export function fastAggregates(flat: Flat, method: Aggregation): EntryAggregate[] | null {
  return attempt(() => fastAggregatesOf(flat, method));
}

function fastAggregatesOf(flat: Flat, method: Aggregation): EntryAggregate[] | null {
  if (duplicateJudge(flat)) return null;
  if (method === "zscore") return fastZscores(flat);
  const results = new Array<EntryAggregate>(flat.entryIds.length);
  for (let g = 0; g < flat.entryIds.length; g++) {
    const result = method === "trimmed" ? fastTrimmed(flat, g) : fastMean(flat, g, "mean", -1, -1, null);
    if (result === null) return null;
    results[g] = result;
  }
  return results;
}

export function aggregateMap(flat: Flat, aggregates: EntryAggregate[]): Map<string, EntryAggregate> {
  const map = new Map<string, EntryAggregate>();
  for (let g = 0; g < aggregates.length; g++) map.set(flat.entryIds[g], aggregates[g]);
  return map;
}

/** criterionTallies (on the columns' keys) as a TallyTable, or null for a sum that could pass 2^53. */
export function fastTallyTable(flat: Flat): TallyTable | null {
  const width = flat.keys.length;
  const groups = flat.entryIds.length;
  const sums = new Float64Array(groups * width);
  const counts = new Float64Array(groups * width);
  const magnitudes = new Float64Array(width);
  const { start, scores } = flat;
  for (let g = 0; g < groups; g++) {
    const row = g * width;
    magnitudes.fill(0);
    for (let r = start[g]; r < start[g + 1]; r++) {
      for (let i = 0; i < width; i++) {
        const value = scores[r * width + i];
        if (Number.isNaN(value)) continue; // not scored
        sums[row + i] += value;
        magnitudes[i] += Math.abs(value);
        counts[row + i] += 1;
      }
    }
    for (let i = 0; i < width; i++) if (magnitudes[i] > SAFE) return null;
  }
  return { keys: flat.keys, entryIds: flat.entryIds, sums, counts };
}
