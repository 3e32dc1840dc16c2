/**
 * The reference aggregation: BigInt fractions throughout, written to be read (DESIGN §3, "Judging
 * rules"). Means, variances and the trimmed mean are exact, so a mean of exactly 85.005 rounds to
 * 85.01 and never to 85.00; only the z-score mapping takes a square root and is finished in
 * floating point. aggregate.fast.ts must give the same results to the last bit (property tests in
 * test/unit/results/fast-paths.test.ts); aggregate.ts chooses between the two.
 */
import { groupBy } from "../lib/collections.js";
import { AGGREGATIONS, type Aggregation } from "../contests/contests.schemas.js";
import type { CriterionTally, EntryAggregate, Sheet } from "./aggregate.js";
import {
  add,
  compare,
  div,
  fraction,
  mul,
  roundFloatHalfUp,
  roundFraction,
  readScore,
  sub,
  sum,
  toNumber,
  ZERO,
  type Fraction,
} from "./decimal.js";

/** Drop one highest and one lowest total: the usual rule for five or more judges. */
export const TRIM_MIN_SHEETS = 5;

interface ReadSheet {
  sheet: Sheet;
  total: Fraction;
}

/** Sheets grouped by entry in order of first appearance; one sheet per (entry, judge). */
function groupByEntry(sheets: readonly Sheet[]): Map<string, ReadSheet[]> {
  const seen = new Set<string>();
  const read = sheets.map((sheet): ReadSheet => {
    const pair = JSON.stringify([sheet.entryId, sheet.judgeId]);
    if (seen.has(pair)) {
      throw new RangeError(`judge ${sheet.judgeId} has two sheets for entry ${sheet.entryId}`);
    }
    seen.add(pair);
    return { sheet, total: readScore(sheet.total) };
  });
  return groupBy(read, (s) => s.sheet.entryId);
}

function mean(values: readonly Fraction[]): Fraction {
  return div(sum(values), fraction(BigInt(values.length)));
}

/** Population variance: the round's sheets are the whole population of a judge's scores. */
function variance(values: readonly Fraction[]): Fraction {
  const m = mean(values);
  const squares = values.map((v) => {
    const d = sub(v, m);
    return mul(d, d);
  });
  return div(sum(squares), fraction(BigInt(values.length)));
}

function exactResult(
  entryId: string,
  group: readonly ReadSheet[],
  method: Aggregation,
  averaged: readonly ReadSheet[],
  dropped: EntryAggregate["dropped"],
): EntryAggregate {
  const m = mean(averaged.map((s) => s.total));
  return {
    entryId,
    rawScore: toNumber(m),
    score: roundFraction(m, 2),
    judges: group.length,
    method,
    dropped,
    kept: averaged.map((s) => s.sheet.total),
  };
}

function trimmed(entryId: string, group: readonly ReadSheet[]): EntryAggregate {
  if (group.length < TRIM_MIN_SHEETS) return exactResult(entryId, group, "trimmed", group, null);
  // Exactly one copy of each extreme goes, even when tied; among tied sheets the smallest
  // judgeId is the one reported as dropped, so the report is reproducible.
  const before = (a: ReadSheet, b: ReadSheet, sign: 1 | -1): boolean => {
    const c = compare(a.total, b.total) * sign;
    return c < 0 || (c === 0 && a.sheet.judgeId < b.sheet.judgeId);
  };
  let lowest = group[0];
  for (const s of group) if (before(s, lowest, 1)) lowest = s;
  // Pick the highest among the others, so that two distinct sheets go when all totals are equal.
  const others = group.filter((s) => s !== lowest);
  let highest = others[0];
  for (const s of others) if (before(s, highest, -1)) highest = s;
  const kept = others.filter((s) => s !== highest);
  const dropped = {
    highest: { judgeId: highest.sheet.judgeId, total: highest.sheet.total },
    lowest: { judgeId: lowest.sheet.judgeId, total: lowest.sheet.total },
  };
  return exactResult(entryId, group, "trimmed", kept, dropped);
}

export interface Spread {
  mean: Fraction;
  variance: Fraction;
  count: number;
}

function spread(values: readonly Fraction[]): Spread {
  return { mean: mean(values), variance: variance(values), count: values.length };
}

/**
 * Each judge's totals standardized against his own mean and population deviation over the round,
 * then mapped back onto the pooled mean and deviation of all sheets, so that a harsh judge does
 * not sink his entries (DESIGN §3). For a sheet of judge j:
 *   mapped = pooledMean + z × pooledSd,  z = (total − mean_j) / sd_j
 *          = pooledMean + (total − mean_j) × sqrt(pooledVar / var_j)
 * A judge with one sheet or with no deviation carries no information on spread: z = 0.
 * Everything but the square root is exact; the float error is around 1e-13 (see roundFloatHalfUp).
 */
function zscores(groups: Map<string, ReadSheet[]>): Map<string, EntryAggregate> {
  const all = [...groups.values()].flat();
  if (all.length === 0) return new Map();
  const pooled = spread(all.map((s) => s.total));
  const judges = new Map<string, Spread>();
  for (const [judgeId, own] of groupBy(all, (s) => s.sheet.judgeId))
    judges.set(judgeId, spread(own.map((s) => s.total)));

  const pooledMean = toNumber(pooled.mean);
  // Offset of a sheet's mapped value from the pooled mean; exactly 0 when z is 0.
  const offset = (s: ReadSheet): number => {
    const judge = judges.get(s.sheet.judgeId)!;
    if (judge.count < 2 || judge.variance.num === 0n) return 0;
    const factor = Math.sqrt(toNumber(div(pooled.variance, judge.variance)));
    return toNumber(sub(s.total, judge.mean)) * factor;
  };

  const results = new Map<string, EntryAggregate>();
  for (const [entryId, group] of groups) {
    const offsets = group.map(offset);
    const exact = offsets.every((o) => o === 0);
    const meanOffset = offsets.reduce((a, b) => a + b, 0) / offsets.length;
    const base = {
      entryId,
      judges: group.length,
      method: "zscore" as const,
      dropped: null,
      kept: group.map((s) => s.sheet.total),
      standardized: offsets.map((o) => pooledMean + o),
    };
    // With no offsets the score is the pooled mean itself: rational, so round it exactly.
    results.set(
      entryId,
      exact
        ? { ...base, rawScore: pooledMean, score: roundFraction(pooled.mean, 2) }
        : {
            ...base,
            rawScore: pooledMean + meanOffset,
            score: roundFloatHalfUp(pooledMean + meanOffset, 2),
          },
    );
  }
  return results;
}

/** aggregateRound with BigInt fractions throughout: the reference for the fast path. */
export function aggregateRoundExact(sheets: readonly Sheet[], method: Aggregation): Map<string, EntryAggregate> {
  checkMethod(method);
  const groups = groupByEntry(sheets);
  if (method === "zscore") return zscores(groups);
  const results = new Map<string, EntryAggregate>();
  for (const [entryId, group] of groups) {
    results.set(
      entryId,
      method === "trimmed" ? trimmed(entryId, group) : exactResult(entryId, group, "mean", group, null),
    );
  }
  return results;
}

/** criterionTallies with BigInt fractions: the reference for the fast path. */
export function criterionTalliesExact(
  sheets: readonly Sheet[],
  criterionKeys: readonly string[],
): Map<string, CriterionTally[]> {
  const sums = new Map<string, { sum: Fraction; count: number }[]>();
  for (const sheet of sheets) {
    let row = sums.get(sheet.entryId);
    if (!row) {
      row = criterionKeys.map(() => ({ sum: ZERO, count: 0 }));
      sums.set(sheet.entryId, row);
    }
    criterionKeys.forEach((key, i) => {
      if (!Object.hasOwn(sheet.scores, key)) return;
      const cell = row[i];
      cell.sum = add(cell.sum, readScore(sheet.scores[key]));
      cell.count += 1;
    });
  }
  const tallies = new Map<string, CriterionTally[]>();
  for (const [entryId, row] of sums) {
    tallies.set(
      entryId,
      row.map((cell, i) => ({ key: criterionKeys[i], sum: toNumber(cell.sum), count: cell.count })),
    );
  }
  return tallies;
}

/** Throws a RangeError for a method that is not one of AGGREGATIONS (a caller's bug: the schemas refuse it). */
export function checkMethod(method: Aggregation): void {
  if (!AGGREGATIONS.includes(method)) {
    throw new RangeError(`unknown aggregation method: ${String(method)}`);
  }
}
