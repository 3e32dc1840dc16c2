/**
 * A round's score sheets → one score per entry (DESIGN §3, "Judging rules").
 *
 * Pure: no I/O, no clock. Means, variances and the trimmed mean are computed exactly, so a mean of
 * exactly 85.005 rounds to 85.01 and never to 85.00. Only the z-score mapping takes a square root
 * and is finished in floating point. Two implementations give identical results: the fast one
 * (scores as integer millionths in safe JS integers, see decimal.ts) runs whenever every value fits,
 * else the reference one with BigInt fractions (exported as aggregateRoundExact and
 * criterionTalliesExact for the property tests).
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
  roundRatio,
  readScore,
  scaledScore,
  SCORE_SCALE,
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
  const flat = attempt(() => flatGroups(sheets));
  const aggregates = flat && fastAggregates(flat, method);
  return flat === null || aggregates === null ? aggregateRoundExact(sheets, method) : aggregateMap(flat, aggregates);
}

/** aggregateRound with BigInt fractions throughout: the reference for the fast path. */
export function aggregateRoundExact(
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
  const flat = attempt(() => flatGroups(sheets));
  const table = flat && fastTallyTable(flat, criterionKeys);
  return table === null ? criterionTalliesExact(sheets, criterionKeys) : tallyMap(table);
}

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
    for (let i = 0; i < width; i++) cells[i] = { key: table.keys[i]!, sum: table.sums[g * width + i]! / SCORE_SCALE, count: table.counts[g * width + i]! };
    tallies.set(table.entryIds[g]!, cells);
  }
  return tallies;
}

/** Sheets by entry: sheet s is of entryIds[groupOf[s]], entries numbered in order of first appearance. */
export interface SheetGroups {
  entryIds: string[];
  groupOf: Int32Array;
}

/**
 * aggregateRound and criterionTallies of the same sheets, grouping them once (or as `groups` says,
 * when the caller has grouped them already): what computeResults needs. Same results and errors
 * as calling the two in turn; the aggregates come as a list in the map's order, the tallies as a
 * table when they fit one (tallyMap makes the map of it).
 */
export function aggregateWithTallies(
  sheets: readonly Sheet[],
  method: AggregationMethod,
  criterionKeys: readonly string[],
  groups?: SheetGroups,
): { aggregates: EntryAggregate[]; tallies: TallyTable | Map<string, CriterionTally[]> } {
  checkMethod(method);
  const flat = attempt(() => flatten(sheets, groups ?? groupSheets(sheets)));
  const aggregates = (flat && fastAggregates(flat, method)) ?? [...aggregateRoundExact(sheets, method).values()];
  return { aggregates, tallies: (flat && fastTallyTable(flat, criterionKeys)) ?? criterionTalliesExact(sheets, criterionKeys) };
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

/*
 * Fast path. Every total and criterion score is read as an integer number of millionths
 * (scaledScore); sums stay below 2^53 − 1, so they are exact, and each exact rational that the
 * reference turns into a float (a mean, a difference from a judge's mean) is divided here as two
 * exactly held integers, which IEEE division rounds to the same nearest float. Any value that does
 * not fit (a non-number, a huge score, float noise at the 7th decimal, a duplicate sheet) makes the
 * fast path answer null, and the caller runs the reference, which also raises the errors.
 * The sheets are grouped into flat typed arrays rather than an object per entry: a round has
 * hundreds of thousands of sheets, and the garbage collector's time is most of the cost.
 */

const SAFE = Number.MAX_SAFE_INTEGER;

/** Sheets grouped by entry, flat. Group g (entryIds[g], in order of first appearance) has the sheets members[start[g]] … members[start[g + 1] − 1], in input order. */
interface Flat {
  sheets: readonly Sheet[];
  entryIds: string[];
  start: Int32Array;
  members: Int32Array;
}

function flatGroups(sheets: readonly Sheet[]): Flat {
  return flatten(sheets, groupSheets(sheets));
}

function groupSheets(sheets: readonly Sheet[]): SheetGroups {
  const n = sheets.length;
  const groupOf = new Int32Array(n);
  const index = new Map<string, number>();
  const entryIds: string[] = [];
  // Sheets mostly come grouped by entry: one map lookup per run of the same entry.
  let lastId = "";
  let last = -1;
  for (let s = 0; s < n; s++) {
    const id = sheets[s]!.entryId;
    if (last < 0 || id !== lastId) {
      lastId = id;
      let g = index.get(id);
      if (g === undefined) {
        g = entryIds.length;
        index.set(id, g);
        entryIds.push(id);
      }
      last = g;
    }
    groupOf[s] = last;
  }
  return { entryIds, groupOf };
}

function flatten(sheets: readonly Sheet[], { entryIds, groupOf }: SheetGroups): Flat {
  const n = sheets.length;
  const groups = entryIds.length;
  const start = new Int32Array(groups + 1);
  for (let s = 0; s < n; s++) start[groupOf[s]! + 1]! += 1;
  for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!;
  const next = start.slice(0, groups);
  const members = new Int32Array(n);
  for (let s = 0; s < n; s++) members[next[groupOf[s]!]!++] = s;
  return { sheets, entryIds, start, members };
}

/** The scaled totals (parallel to the sheets), or null for a total the fast path cannot read or two sheets of one judge for one entry. */
function scaledTotals(flat: Flat): Float64Array | null {
  const { sheets, start, members } = flat;
  const totals = new Float64Array(sheets.length);
  for (let s = 0; s < sheets.length; s++) {
    const t = scaledScore(sheets[s]!.total);
    if (t === null) return null;
    totals[s] = t;
  }
  for (let g = 0; g + 1 < start.length; g++) {
    const from = start[g]!;
    const to = start[g + 1]!;
    if (to - from > 16) {
      const seen = new Set<string>();
      for (let m = from; m < to; m++) seen.add(sheets[members[m]!]!.judgeId);
      if (seen.size !== to - from) return null;
      continue;
    }
    for (let a = from; a < to; a++) {
      const judgeId = sheets[members[a]!]!.judgeId;
      for (let b = a + 1; b < to; b++) if (sheets[members[b]!]!.judgeId === judgeId) return null;
    }
  }
  return totals;
}

/** The mean of a group's scaled totals, leaving out the members at skipA and skipB (or −1), as exactResult gives it; null if a sum could pass 2^53. */
function fastMean(
  flat: Flat,
  totals: Float64Array,
  g: number,
  method: AggregationMethod,
  skipA: number,
  skipB: number,
  dropped: EntryAggregate["dropped"],
): EntryAggregate | null {
  const from = flat.start[g]!;
  const to = flat.start[g + 1]!;
  let total = 0;
  let magnitude = 0;
  const kept: number[] = [];
  for (let m = from; m < to; m++) {
    if (m === skipA || m === skipB) continue;
    const s = flat.members[m]!;
    total += totals[s]!;
    magnitude += Math.abs(totals[s]!);
    kept.push(flat.sheets[s]!.total);
  }
  const den = kept.length * SCORE_SCALE;
  if (magnitude > SAFE || den > SAFE) return null;
  const score = roundRatio(total, den, 2);
  if (score === null) return null;
  return { entryId: flat.entryIds[g]!, rawScore: total / den, score, judges: to - from, method, dropped, kept };
}

function fastTrimmed(flat: Flat, totals: Float64Array, g: number): EntryAggregate | null {
  const from = flat.start[g]!;
  const to = flat.start[g + 1]!;
  if (to - from < TRIM_MIN_SHEETS) return fastMean(flat, totals, g, "trimmed", -1, -1, null);
  const { sheets, members } = flat;
  const t = (m: number) => totals[members[m]!]!;
  const judge = (m: number) => sheets[members[m]!]!.judgeId;
  // As trimmed(): the lowest (smallest judgeId among equals), then the highest of the others.
  let lowest = from;
  for (let m = from + 1; m < to; m++) if (t(m) < t(lowest) || (t(m) === t(lowest) && judge(m) < judge(lowest))) lowest = m;
  let highest = -1;
  for (let m = from; m < to; m++) {
    if (m === lowest) continue;
    if (highest < 0 || t(m) > t(highest) || (t(m) === t(highest) && judge(m) < judge(highest))) highest = m;
  }
  const high = sheets[members[highest]!]!;
  const low = sheets[members[lowest]!]!;
  const dropped = { highest: { judgeId: high.judgeId, total: high.total }, lowest: { judgeId: low.judgeId, total: low.total } };
  return fastMean(flat, totals, g, "trimmed", lowest, highest, dropped);
}

/** Exact sums over scaled integers: Σv and Σv² of one judge or of the whole round. */
interface FastSpread {
  count: number;
  sum: number;
  squares: number;
}

/** zscores() on scaled integers; null when a sum of squares could pass 2^53. */
function fastZscores(flat: Flat, totals: Float64Array): EntryAggregate[] | null {
  const { sheets, start, members } = flat;
  const n = sheets.length;
  if (n === 0) return [];
  // Divide out the common power of ten (whole-point totals become small integers), so that the
  // sums of squares stay small: value = v / unitDen with v an integer.
  let power = SCORE_SCALE;
  let largest = 0;
  for (let s = 0; s < n; s++) while (power > 1 && totals[s]! % power !== 0) power /= 10;
  for (let s = 0; s < n; s++) largest = Math.max(largest, Math.abs(totals[s]! / power));
  if (largest * largest * n > SAFE || largest * n > SAFE) return null;
  const unitDen = SCORE_SCALE / power;

  // In the reference's order: the sheets group by group.
  const pooledSums: FastSpread = { count: 0, sum: 0, squares: 0 };
  const byJudge = new Map<string, FastSpread>();
  for (let m = 0; m < n; m++) {
    const s = members[m]!;
    const v = totals[s]! / power;
    const judgeId = sheets[s]!.judgeId;
    let judge = byJudge.get(judgeId);
    if (judge === undefined) {
      judge = { count: 0, sum: 0, squares: 0 };
      byJudge.set(judgeId, judge);
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
    return { mean: fraction(total, den), variance: fraction(count * BigInt(s.squares) - total * total, den * den), count: s.count };
  };
  const pooled = exactSpread(pooledSums);
  const pooledMean = toNumber(pooled.mean);
  // Per judge: null for no spread information (offset 0), else the factor sqrt(pooledVar / var_j) with Σv, n and the mean.
  const judges = new Map<string, { factor: number; sum: number; count: number; mean: Fraction } | null>();
  for (const [judgeId, s] of byJudge) {
    const spread = exactSpread(s);
    judges.set(judgeId, s.count < 2 || spread.variance.num === 0n ? null : { factor: Math.sqrt(toNumber(div(pooled.variance, spread.variance))), sum: s.sum, count: s.count, mean: spread.mean });
  }
  let pooledScore: number | undefined;
  const results = new Array<EntryAggregate>(flat.entryIds.length);
  for (let g = 0; g < flat.entryIds.length; g++) {
    const from = start[g]!;
    const size = start[g + 1]! - from;
    const offsets = new Array<number>(size);
    const kept = new Array<number>(size);
    let exact = true;
    for (let k = 0; k < size; k++) {
      const s = members[from + k]!;
      kept[k] = sheets[s]!.total;
      const judge = judges.get(sheets[s]!.judgeId)!;
      if (judge === null) {
        offsets[k] = 0;
        continue;
      }
      // total − mean_j = (v·n_j − Σv_j) / (n_j·u): one division of exact integers when they fit.
      const v = totals[s]! / power;
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
    for (let k = 0; k < size; k++) offsetSum += offsets[k]!;
    const meanOffset = offsetSum / size;
    const base = {
      entryId: flat.entryIds[g]!,
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
function attempt<T>(fast: () => T | null): T | null {
  try {
    return fast();
  } catch {
    return null;
  }
}

/** The aggregates of the groups in order, or null: the caller runs the reference. */
function fastAggregates(flat: Flat, method: AggregationMethod): EntryAggregate[] | null {
  return attempt(() => fastAggregatesOf(flat, method));
}

function fastAggregatesOf(flat: Flat, method: AggregationMethod): EntryAggregate[] | null {
  const totals = scaledTotals(flat);
  if (totals === null) return null;
  if (method === "zscore") return fastZscores(flat, totals);
  const results = new Array<EntryAggregate>(flat.entryIds.length);
  for (let g = 0; g < flat.entryIds.length; g++) {
    const result = method === "trimmed" ? fastTrimmed(flat, totals, g) : fastMean(flat, totals, g, "mean", -1, -1, null);
    if (result === null) return null;
    results[g] = result;
  }
  return results;
}

function aggregateMap(flat: Flat, aggregates: EntryAggregate[]): Map<string, EntryAggregate> {
  const map = new Map<string, EntryAggregate>();
  for (let g = 0; g < aggregates.length; g++) map.set(flat.entryIds[g]!, aggregates[g]!);
  return map;
}

/** criterionTallies as a TallyTable, or null for a score it cannot read or a sum that could pass 2^53. */
function fastTallyTable(flat: Flat, criterionKeys: readonly string[]): TallyTable | null {
  return attempt(() => fastTallyTableOf(flat, criterionKeys));
}

function fastTallyTableOf(flat: Flat, criterionKeys: readonly string[]): TallyTable | null {
  const width = criterionKeys.length;
  const groups = flat.entryIds.length;
  const sums = new Float64Array(groups * width);
  const counts = new Float64Array(groups * width);
  const magnitudes = new Float64Array(width);
  const { sheets, start, members } = flat;
  for (let g = 0; g < groups; g++) {
    const row = g * width;
    magnitudes.fill(0);
    for (let m = start[g]!; m < start[g + 1]!; m++) {
      const scores = sheets[members[m]!]!.scores;
      for (let i = 0; i < width; i++) {
        const key = criterionKeys[i]!;
        if (!Object.hasOwn(scores, key)) continue;
        const value = scaledScore(scores[key]!);
        if (value === null) return null;
        sums[row + i]! += value;
        magnitudes[i]! += Math.abs(value);
        counts[row + i]! += 1;
      }
    }
    for (let i = 0; i < width; i++) if (magnitudes[i]! > SAFE) return null;
  }
  return { keys: criterionKeys, entryIds: flat.entryIds, sums, counts };
}

/** Votes as points out of 100, the leader getting 100 (0 when nobody voted), exactly. */
function normalizedVotes(votes: number, maxVotes: number): Fraction {
  return maxVotes === 0 ? ZERO : fraction(BigInt(votes) * 100n, BigInt(maxVotes));
}

/** The vote's points out of 100 as the explanation prints them: rounded half up to 2 decimals. */
export function publicVotePoints(votes: number, maxVotes: number): number {
  return roundFraction(normalizedVotes(votes, maxVotes), 2);
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
  const normalized = normalizedVotes(votes, maxVotes);
  const blended = add(mul(sub(fraction(1n), w), fromNumber(judgeScore)), mul(w, normalized));
  return roundFraction(blended, 2);
}
