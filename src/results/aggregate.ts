/**
 * A round's score sheets → one score per entry (DESIGN §3, "Judging rules"). Pure: no I/O, no clock.
 *
 * Two implementations give identical results: the reference with BigInt fractions
 * (aggregate.exact.ts, the one to read) and the fast path on integer millionths in flat typed
 * arrays (aggregate.fast.ts), which runs whenever every value fits. The functions here try the
 * fast path and fall back to the reference, which also raises the errors.
 */
import type { Aggregation } from "../contests/contests.schemas.js";
import { aggregateRoundExact, checkMethod, criterionTalliesExact } from "./aggregate.exact.js";
import { aggregateMap, attempt, fastAggregates, fastTallyTable, tallyMap, type TallyTable } from "./aggregate.fast.js";
import { flatten, groupSheets, type EntrySheets } from "./sheet-groups.js";

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
  method: Aggregation;
  /** The two sheets left out by the trimmed mean; null when nothing was dropped. */
  dropped: { highest: DroppedSheet; lowest: DroppedSheet } | null;
  /** The totals that were averaged, in input order (for zscore: all totals, before mapping). */
  kept: number[];
  /** zscore only: each kept total mapped onto the pooled scale, parallel to `kept`. */
  standardized?: number[];
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
 * Aggregate one round's sheets into one result per entry (in order of first appearance).
 * Throws a RangeError for an unknown method, a non-finite total or two sheets of one judge for
 * one entry. Note that zscore needs the whole round: its result for an entry depends on every sheet.
 */
export function aggregateRound(sheets: readonly Sheet[], method: Aggregation): Map<string, EntryAggregate> {
  checkMethod(method);
  const flat = attempt(() => flatten(sheets, groupSheets(sheets)));
  const aggregates = flat && fastAggregates(flat, method);
  return flat === null || aggregates === null ? aggregateRoundExact(sheets, method) : aggregateMap(flat, aggregates);
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
  const flat = attempt(() => flatten(sheets, groupSheets(sheets), criterionKeys));
  const table = flat && fastTallyTable(flat);
  return table === null ? criterionTalliesExact(sheets, criterionKeys) : tallyMap(table);
}

/**
 * aggregateRound and criterionTallies of the same sheets, grouping them once: what computeResults
 * needs. Same results and errors as calling the two in turn; the aggregates come as a list in the
 * map's order, the tallies as a table when they fit one (tallyMap makes the map of it).
 */
export function aggregateWithTallies(
  sheets: readonly Sheet[],
  method: Aggregation,
  criterionKeys: readonly string[],
): { aggregates: EntryAggregate[]; tallies: TallyTable | Map<string, CriterionTally[]> } {
  const flat = attempt(() => flatten(sheets, groupSheets(sheets), criterionKeys));
  return aggregateEligible({ flat, sheets: () => sheets }, method, criterionKeys);
}

/** aggregateWithTallies of sheets already grouped (sheet-groups.ts): from the columns when the fast path reads them, else from the objects. */
export function aggregateEligible(
  eligible: Pick<EntrySheets, "flat" | "sheets">,
  method: Aggregation,
  criterionKeys: readonly string[],
): { aggregates: EntryAggregate[]; tallies: TallyTable | Map<string, CriterionTally[]> } {
  checkMethod(method);
  const flat = eligible.flat;
  const aggregates = (flat && fastAggregates(flat, method)) ?? [
    ...aggregateRoundExact(eligible.sheets(), method).values(),
  ];
  return {
    aggregates,
    tallies: (flat && attempt(() => fastTallyTable(flat))) ?? criterionTalliesExact(eligible.sheets(), criterionKeys),
  };
}
