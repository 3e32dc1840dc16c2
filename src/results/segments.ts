/**
 * A round scored in segments (the live final, DESIGN §3 "Live final"), pure: each segment's sheets
 * aggregated as the round aggregates (aggregate.ts), the segment scores weighted, each limited
 * segment's time deduction added, ties broken on every segment's criteria in segment order.
 * computeResults (compute.ts) ranks and awards what this scores. No I/O.
 */
import type { Aggregation } from "../contests/contests.schemas.js";
import { aggregateRound, criterionTallies, type DroppedSheet, type EntryAggregate, type Sheet } from "./aggregate.js";
import { add, fromNumber, mul, roundFraction, sum, ZERO, type Fraction } from "./decimal.js";
import { timeDeduction, type TimeDeduction, type TimeRules } from "./time-rules.js";

export interface SegmentRule {
  key: string;
  label: string;
  /** 0 < weight ≤ 1; the segments' weights sum to 1. */
  weight: number;
  criteria: readonly { key: string; label: string }[];
  /** The segment's time limit as rules (segmentTimeRules), or null when it has none. */
  timeRules: TimeRules | null;
}

/** A submitted sheet of one segment. */
export interface SegmentSheet extends Sheet {
  segment: string;
}

/** One segment of a finalist's score, as the explanation and the snapshot show it. */
export interface SegmentDetail {
  key: string;
  label: string;
  weight: number;
  /** The aggregate rounded to 2 decimals; null: no submitted sheet (counts 0). */
  score: number | null;
  /** The totals that were averaged (aggregate.ts `kept`). */
  totals: number[];
  dropped: { highest: DroppedSheet; lowest: DroppedSheet } | null;
  /** The measured time of a limited segment; null when unlimited or not measured. */
  seconds: number | null;
  timeDeduction: TimeDeduction | null;
}

/** What to rank a segmented finalist on, beside its row's detail. */
export interface SegmentedScore {
  entryId: string;
  /** round2(Σ weight × segment score + Σ time deductions). */
  score: number;
  /** round2(Σ weight × segment score): the judges' part before the time deductions. */
  aggregate: number;
  /** The fewest submitted sheets of any segment (a short panel when below the panel size). */
  judges: number;
  segments: SegmentDetail[];
  /** Per segment in order, per criterion in rubric order: sum and count over all the segment's sheets. */
  criteria: { sum: number; count: number }[];
}

/**
 * Time rules of a segment limited to `seconds` S (DESIGN §3): under round(0.75·S) costs 2 points, over
 * S + 15 costs 2 points, the talk is stopped at S + 30 (for 240 s exactly DEFAULT_TIME_RULES).
 */
export function segmentTimeRules(seconds: number): TimeRules {
  return {
    minSeconds: Math.floor((seconds * 3 + 2) / 4),
    underPenalty: 2,
    targetSeconds: seconds,
    graceSeconds: 15,
    overPenalty: 2,
    cutoffSeconds: seconds + 30,
  };
}

/**
 * One finalist's one segment so far (the big screen): the score of its submitted sheets and which two
 * are dropped, by the same aggregation as the results; null when no sheet is in.
 */
export function segmentAggregate(sheets: readonly Sheet[], aggregation: Aggregation): EntryAggregate | null {
  if (sheets.length === 0) return null;
  return [...aggregateRound(sheets, aggregation).values()][0];
}

/** The tie chain's criteria: every segment's, in segment order, named by segment (the same rubric may repeat). */
export function segmentCriteria(segments: readonly SegmentRule[]): { key: string; label: string }[] {
  return segments.flatMap((s) => s.criteria.map((c) => ({ key: `${s.key}.${c.key}`, label: `${s.label}·${c.label}` })));
}

/**
 * Each finalist with a submitted sheet, in entry order; `seconds` gives a finalist's measured time per
 * segment key. A sheet of an entry not listed is left out; a sheet of an unknown segment is an error.
 */
export function scoreSegments(
  entries: readonly { id: string }[],
  sheets: readonly SegmentSheet[],
  segments: readonly SegmentRule[],
  aggregation: Aggregation,
  seconds: (entryId: string, segment: string) => number | null,
): SegmentedScore[] {
  const listed = new Set(entries.map((e) => e.id));
  const bySegment = new Map<string, SegmentSheet[]>(segments.map((s) => [s.key, []]));
  for (const sheet of sheets) {
    const list = bySegment.get(sheet.segment);
    if (!list) throw new RangeError(`sheet of unknown segment ${sheet.segment}`);
    if (listed.has(sheet.entryId)) list.push(sheet);
  }
  const perSegment = segments.map((s) => {
    const list = bySegment.get(s.key)!;
    // zscore pools a segment's sheets of all finalists, as it pools a round's.
    return {
      aggregates: aggregateRound(list, aggregation),
      tallies: criterionTallies(
        list,
        s.criteria.map((c) => c.key),
      ),
    };
  });
  const out: SegmentedScore[] = [];
  for (const entry of entries) {
    if (!perSegment.some((p) => p.aggregates.has(entry.id))) continue;
    let weighted: Fraction = ZERO;
    const deductions: Fraction[] = [];
    const details = segments.map((s, k): SegmentDetail => {
      const agg = perSegment[k].aggregates.get(entry.id);
      if (agg) weighted = add(weighted, mul(fromNumber(s.weight), fromNumber(agg.score)));
      const measured = s.timeRules ? seconds(entry.id, s.key) : null;
      const deduction = measured === null ? null : timeDeduction(measured, s.timeRules!);
      if (deduction) deductions.push(fromNumber(deduction.points));
      return {
        key: s.key,
        label: s.label,
        weight: s.weight,
        score: agg ? agg.score : null,
        totals: agg ? agg.kept : [],
        dropped: agg ? agg.dropped : null,
        seconds: measured,
        timeDeduction: deduction,
      };
    });
    out.push({
      entryId: entry.id,
      score: roundFraction(add(weighted, sum(deductions)), 2),
      aggregate: roundFraction(weighted, 2),
      judges: Math.min(...segments.map((_, k) => perSegment[k].aggregates.get(entry.id)?.judges ?? 0)),
      segments: details,
      criteria: segments.flatMap((s, k) => {
        const tallies = perSegment[k].tallies.get(entry.id);
        return s.criteria.map((_, i) => (tallies ? tallies[i] : { sum: 0, count: 0 }));
      }),
    });
  }
  return out;
}
