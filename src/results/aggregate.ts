/**
 * A round's score sheets → one score per entry (DESIGN §3, "Judging rules").
 *
 * Pure: no I/O, no clock. Means, variances and the trimmed mean are computed exactly with BigInt
 * fractions (decimal.ts), so a mean of exactly 85.005 rounds to 85.01 and never to 85.00. Only the
 * z-score mapping takes a square root and is finished in floating point.
 */
import {
  add,
  compare,
  div,
  fraction,
  fromNumber,
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

export type AggregationMethod = "trimmed" | "mean" | "zscore";

export const AGGREGATION_METHODS: readonly AggregationMethod[] = ["trimmed", "mean", "zscore"];

/** One judge's submitted sheet for one entry; `total` = sum of criteria − deductions. */
export interface Sheet {
  entryId: string;
  judgeId: string;
  total: number;
  scores: Record<string, number>;
}

export interface DroppedSheet {
  judgeId: string;
  total: number;
}

export interface EntryAggregate {
  entryId: string;
  /** The unrounded aggregate (nearest float to the exact value, for trimmed and mean). */
  rawScore: number;
  /** rawScore rounded half up to 2 decimals: the score for ranking and display. */
  score: number;
  /** How many sheets the entry has. */
  judges: number;
  method: AggregationMethod;
  /** The two sheets left out by the trimmed mean; null when nothing was dropped. */
  dropped: { highest: DroppedSheet; lowest: DroppedSheet } | null;
  /** The totals that were averaged, in input order (for zscore: all totals, before mapping). */
  kept: number[];
  /** zscore only: each kept total mapped onto the pooled scale, parallel to `kept`. */
  standardized?: number[];
}

/** Drop one highest and one lowest total: the usual rule for five or more judges. */
export const TRIM_MIN_SHEETS = 5;

/** Most weight a public vote (网络投票) may carry: DESIGN §3 allows 0–30%. */
export const MAX_PUBLIC_VOTE_WEIGHT = 0.3;

interface ReadSheet {
  sheet: Sheet;
  total: Fraction;
}

function checkMethod(method: AggregationMethod): void {
  if (!AGGREGATION_METHODS.includes(method)) {
    throw new RangeError(`unknown aggregation method: ${String(method)}`);
  }
}

/** Sheets grouped by entry in order of first appearance; one sheet per (entry, judge). */
function groupByEntry(sheets: readonly Sheet[]): Map<string, ReadSheet[]> {
  const groups = new Map<string, ReadSheet[]>();
  const seen = new Set<string>();
  for (const sheet of sheets) {
    const pair = JSON.stringify([sheet.entryId, sheet.judgeId]);
    if (seen.has(pair)) {
      throw new RangeError(`judge ${sheet.judgeId} has two sheets for entry ${sheet.entryId}`);
    }
    seen.add(pair);
    const group = groups.get(sheet.entryId) ?? [];
    group.push({ sheet, total: readScore(sheet.total) });
    groups.set(sheet.entryId, group);
  }
  return groups;
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
  method: AggregationMethod,
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
  let lowest = group[0]!;
  for (const s of group) if (before(s, lowest, 1)) lowest = s;
  // Pick the highest among the others, so that two distinct sheets go when all totals are equal.
  const others = group.filter((s) => s !== lowest);
  let highest = others[0]!;
  for (const s of others) if (before(s, highest, -1)) highest = s;
  const kept = others.filter((s) => s !== highest);
  const dropped = {
    highest: { judgeId: highest.sheet.judgeId, total: highest.sheet.total },
    lowest: { judgeId: lowest.sheet.judgeId, total: lowest.sheet.total },
  };
  return exactResult(entryId, group, "trimmed", kept, dropped);
}

interface Spread {
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
  const byJudge = new Map<string, Fraction[]>();
  for (const s of all) {
    const totals = byJudge.get(s.sheet.judgeId) ?? [];
    totals.push(s.total);
    byJudge.set(s.sheet.judgeId, totals);
  }
  const judges = new Map<string, Spread>();
  for (const [judgeId, totals] of byJudge) judges.set(judgeId, spread(totals));

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

/**
 * Aggregate one round's sheets into one result per entry (in order of first appearance).
 * Throws a RangeError for an unknown method, a non-finite total or two sheets of one judge for
 * one entry. Note that zscore needs the whole round: its result for an entry depends on every sheet.
 */
export function aggregateRound(
  sheets: readonly Sheet[],
  method: AggregationMethod,
): Map<string, EntryAggregate> {
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

/** A criterion's scores over all of an entry's sheets, for breaking ties on the final score. */
export interface CriterionTally {
  key: string;
  /** Exact sum of the scores given, as the float that prints as that decimal. */
  sum: number;
  /** Sheets that scored the criterion (a sheet without it is not counted). */
  count: number;
}

/**
 * Per entry, each criterion's sum and count over ALL its sheets (untrimmed, unrounded: DESIGN §3
 * breaks ties on "the first rubric criterion's mean over all of the entry's judges"), in the order
 * of `criterionKeys` (rubric order). Keys a sheet has but the rubric lacks are ignored.
 */
export function criterionTallies(
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
      const cell = row[i]!;
      cell.sum = add(cell.sum, readScore(sheet.scores[key]!));
      cell.count += 1;
    });
  }
  const tallies = new Map<string, CriterionTally[]>();
  for (const [entryId, row] of sums) {
    tallies.set(
      entryId,
      row.map((cell, i) => ({ key: criterionKeys[i]!, sum: toNumber(cell.sum), count: cell.count })),
    );
  }
  return tallies;
}

/**
 * Blend the judges' score with a public vote (网络投票, DESIGN §3):
 *   normalized = votes ÷ maxVotes × 100          (the leader gets 100; 0 when nobody voted)
 *   final      = (1 − weight) × judgeScore + weight × normalized
 * rounded half up to 2 decimals, computed exactly. `maxVotes` is the leader's count among the
 * ranked entries; weight is 0..0.3.
 */
export function applyPublicVote(
  judgeScore: number,
  votes: number,
  maxVotes: number,
  weight: number,
): number {
  if (!Number.isFinite(weight) || weight < 0 || weight > MAX_PUBLIC_VOTE_WEIGHT) {
    throw new RangeError(`public vote weight must be 0..${MAX_PUBLIC_VOTE_WEIGHT}, got ${weight}`);
  }
  if (!Number.isSafeInteger(votes) || !Number.isSafeInteger(maxVotes) || votes < 0 || votes > maxVotes) {
    throw new RangeError(`votes must be integers with 0 ≤ votes ≤ maxVotes, got ${votes} of ${maxVotes}`);
  }
  const w = fromNumber(weight);
  const normalized = maxVotes === 0 ? ZERO : fraction(BigInt(votes) * 100n, BigInt(maxVotes));
  const blended = add(mul(sub(fraction(1n), w), fromNumber(judgeScore)), mul(w, normalized));
  return roundFraction(blended, 2);
}
