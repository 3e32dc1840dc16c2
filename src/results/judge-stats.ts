/**
 * Judge statistics for the organizer's results review (DESIGN §2 "review": the organizer inspects
 * judge statistics and outliers). Pure: sheets in, statistics out; no I/O.
 *
 * Every decision (is this sheet an outlier, is this judge lenient or harsh) compares exact fractions
 * (decimal.ts), so a case that sits exactly on a threshold is decided the same way on every machine.
 * Means, deviations and correlations are handed out as floats, for display only (round there).
 *
 * The rules, as the review page prints them:
 * - Outlier sheet: a judge's total for an entry lies MORE than OUTLIER_DEVIATIONS (2.5) standard
 *   deviations from the mean of that entry's OTHER sheets. Only judged when the entry has at least
 *   OUTLIER_MIN_OTHERS (3) other sheets and their deviation is not zero. The deviation of the other
 *   sheets is the sample standard deviation (divided by n − 1): a few sheets estimate how the
 *   panel spreads, and the population formula would understate it and flag too eagerly.
 * - Lenient or harsh judge: his offset is the mean, over the entries he scored that others scored
 *   too, of (his total − the mean of the other judges' totals on that entry). He is flagged lenient
 *   (offset > 0) or harsh (offset < 0) when |offset| is MORE than the pooled within-entry standard
 *   deviation of the round, i.e. more than judges usually disagree on one entry, and only once he
 *   is compared on at least BIAS_MIN_ENTRIES (5) entries. The within-entry deviation is pooled as
 *   in a one-way analysis of variance: Σ over entries Σ over sheets (total − entry mean)² divided by
 *   Σ over entries (sheets − 1), over entries with two sheets or more. The deviation of all totals
 *   would be the wrong yardstick: it mostly measures how different the entries are.
 * - A judge's deviation is the population standard deviation of his totals (they are all of them).
 * - Correlation: Pearson's r between his totals and the mean of the other judges' totals on the
 *   same entries; null with fewer than 2 such entries or when either side does not vary.
 */
import { groupBy } from "../lib/collections.js";
import { compare, div, fraction, mul, readScore, sub, sum, toNumber, ZERO, type Fraction } from "./decimal.js";

export const OUTLIER_DEVIATIONS = 2.5;
export const OUTLIER_MIN_OTHERS = 3;
export const BIAS_MIN_ENTRIES = 5;

/** 2.5² as an exact fraction: the outlier test compares squares, so no square root is taken. */
const OUTLIER_DEVIATIONS_SQUARED = fraction(25n, 4n);

export interface StatSheet {
  entryId: string;
  judgeId: string;
  total: number;
}

export type Bias = "lenient" | "harsh" | null;

export interface JudgeStats {
  judgeId: string;
  sheets: number;
  mean: number;
  /** Population standard deviation of his totals. */
  sd: number;
  /** Entries he scored that at least one other judge scored too. */
  compared: number;
  /** Mean of (his total − the others' mean) over the compared entries; null when none. */
  offset: number | null;
  /** Pearson's r with the others' means on the same entries; null when undefined. */
  correlation: number | null;
  bias: Bias;
}

export interface OutlierSheet {
  entryId: string;
  judgeId: string;
  total: number;
  othersMean: number;
  /** Sample standard deviation of the entry's other sheets. */
  othersSd: number;
  /** (total − othersMean) / othersSd: signed, beyond ±2.5 by definition. */
  deviations: number;
}

export interface JudgeStatistics {
  judges: JudgeStats[];
  outliers: OutlierSheet[];
  /** Pooled within-entry standard deviation (the lenient/harsh yardstick); null without any entry of 2+ sheets. */
  withinEntrySd: number | null;
  /** Population standard deviation of all totals, for reference. */
  allTotalsSd: number | null;
}

interface ReadSheet {
  entryId: string;
  judgeId: string;
  total: Fraction;
  raw: number;
}

const count = (n: number) => fraction(BigInt(n));

function mean(values: readonly Fraction[]): Fraction {
  return div(sum(values), count(values.length));
}

/** Σ (v − mean)². */
function squaredDeviations(values: readonly Fraction[]): Fraction {
  const m = mean(values);
  return sum(values.map((v) => mul(sub(v, m), sub(v, m))));
}

const sqrt = (f: Fraction) => Math.sqrt(toNumber(f));

function read(sheets: readonly StatSheet[]): ReadSheet[] {
  const seen = new Set<string>();
  return sheets.map((s) => {
    const pair = JSON.stringify([s.entryId, s.judgeId]);
    if (seen.has(pair)) throw new RangeError(`judge ${s.judgeId} has two sheets for entry ${s.entryId}`);
    seen.add(pair);
    return { entryId: s.entryId, judgeId: s.judgeId, total: readScore(s.total), raw: s.total };
  });
}

/** Pearson's r of paired values; null when fewer than 2 pairs or either side is constant. */
function pearson(xs: readonly Fraction[], ys: readonly Fraction[]): number | null {
  if (xs.length < 2) return null;
  const mx = mean(xs);
  const my = mean(ys);
  const sxy = sum(xs.map((x, i) => mul(sub(x, mx), sub(ys[i], my))));
  const sxx = squaredDeviations(xs);
  const syy = squaredDeviations(ys);
  if (compare(sxx, ZERO) === 0 || compare(syy, ZERO) === 0) return null;
  const r = toNumber(sxy) / Math.sqrt(toNumber(sxx) * toNumber(syy));
  return Math.max(-1, Math.min(1, r));
}

/** Statistics of a round's submitted sheets (see the rules at the top of this file). */
export function judgeStatistics(input: readonly StatSheet[]): JudgeStatistics {
  const sheets = read(input);
  const byEntry = groupBy(sheets, (s) => s.entryId);
  const entrySums = new Map([...byEntry].map(([id, group]) => [id, sum(group.map((s) => s.total))]));

  /** Mean of the entry's sheets other than this one; null when it has no other. */
  const othersMean = (s: ReadSheet): Fraction | null => {
    const n = byEntry.get(s.entryId)!.length;
    return n < 2 ? null : div(sub(entrySums.get(s.entryId)!, s.total), count(n - 1));
  };

  // The yardstick for lenient and harsh: judges' disagreement on one entry, pooled over entries.
  let squares = ZERO;
  let degrees = 0;
  for (const group of byEntry.values()) {
    if (group.length < 2) continue;
    squares = sum([squares, squaredDeviations(group.map((s) => s.total))]);
    degrees += group.length - 1;
  }
  const withinVariance = degrees > 0 ? div(squares, count(degrees)) : null;

  const judges: JudgeStats[] = [...groupBy(sheets, (s) => s.judgeId)].map(([judgeId, own]) => {
    const totals = own.map((s) => s.total);
    const pairs = own
      .map((s) => ({ mine: s.total, others: othersMean(s) }))
      .filter((p): p is { mine: Fraction; others: Fraction } => p.others !== null);
    const offset = pairs.length > 0 ? mean(pairs.map((p) => sub(p.mine, p.others))) : null;
    let bias: Bias = null;
    if (
      offset &&
      withinVariance &&
      pairs.length >= BIAS_MIN_ENTRIES &&
      compare(mul(offset, offset), withinVariance) > 0
    ) {
      bias = compare(offset, ZERO) > 0 ? "lenient" : "harsh";
    }
    return {
      judgeId,
      sheets: own.length,
      mean: toNumber(mean(totals)),
      sd: sqrt(div(squaredDeviations(totals), count(totals.length))),
      compared: pairs.length,
      offset: offset ? toNumber(offset) : null,
      correlation: pearson(
        pairs.map((p) => p.mine),
        pairs.map((p) => p.others),
      ),
      bias,
    };
  });

  const outliers: OutlierSheet[] = [];
  for (const group of byEntry.values()) {
    if (group.length - 1 < OUTLIER_MIN_OTHERS) continue;
    for (const s of group) {
      const others = group.filter((o) => o !== s).map((o) => o.total);
      const m = mean(others);
      const variance = div(squaredDeviations(others), count(others.length - 1));
      if (compare(variance, ZERO) === 0) continue;
      const gap = sub(s.total, m);
      // |gap| > 2.5 × sd  ⟺  gap² > 6.25 × variance, both sides exact.
      if (compare(mul(gap, gap), mul(OUTLIER_DEVIATIONS_SQUARED, variance)) <= 0) continue;
      const sd = sqrt(variance);
      outliers.push({
        entryId: s.entryId,
        judgeId: s.judgeId,
        total: s.raw,
        othersMean: toNumber(m),
        othersSd: sd,
        deviations: toNumber(gap) / sd,
      });
    }
  }

  const all = sheets.map((s) => s.total);
  return {
    judges,
    outliers,
    withinEntrySd: withinVariance ? sqrt(withinVariance) : null,
    allTotalsSd: all.length > 0 ? sqrt(div(squaredDeviations(all), count(all.length))) : null,
  };
}
