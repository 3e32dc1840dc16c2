/**
 * The whole results pipeline of DESIGN §3 for one round, pure: submitted sheets → aggregate →
 * public vote → talk-time deduction → rank (with the criterion tie chain) → prizes. No I/O.
 * A round scored in segments (the live final) is scored by segments.ts, then ranked and awarded alike.
 */
import type { Aggregation } from "../contests/contests.schemas.js";
import type { PrizeSettings } from "../contests/prizes.js";
import {
  aggregateEligible,
  type CriterionTally,
  type DroppedSheet,
  type EntryAggregate,
  type Sheet,
} from "./aggregate.js";
import { tallyMap, type TallyTable } from "./aggregate.fast.js";
import { prizeCounts, prizeForRank, type Prize, type PrizeCounts } from "./prizes.js";
import { rankPositions, rankTable, type RankPositions } from "./rank.js";
import { scoreSegments, segmentCriteria, type SegmentDetail, type SegmentRule, type SegmentSheet } from "./segments.js";
import { columnsOfEntries, sheetsOfEntries, toSheets, type Flat } from "./sheet-groups.js";
import { applyTimeDeduction, type TimeDeduction, type TimeRules } from "./time-rules.js";
import { applyPublicVote, publicVotePoints } from "./votes.js";

export interface ComputeEntry {
  id: string;
  code: string;
  title: string;
  /** The explainer talk's measured time, when recorded. */
  talkSeconds?: number | null;
  /** Public vote count (网络投票); none counts as 0 when the vote has a weight. */
  publicVotes?: number | null;
  /** A segmented round: each segment's measured time by segment key, when recorded. */
  segmentSeconds?: Readonly<Record<string, number | null>>;
}

export interface ComputeInput {
  criteria: readonly { key: string; label: string }[];
  aggregation: Aggregation;
  prizes: PrizeSettings;
  timeRules: TimeRules | null;
  /** The public vote's weight, 0..0.3; 0 or absent: no vote. */
  publicVoteWeight?: number;
  /** The entries that may be ranked (not withdrawn, disqualified or unsafe). */
  entries: readonly ComputeEntry[];
  /** Submitted sheets only: as objects, or as columns (sheet-columns.ts reads them so from the database). */
  sheets: readonly Sheet[] | Flat;
  /**
   * A round scored in segments (the live final): `criteria`, `timeRules` and the public vote are then
   * unused, and `segmentSheets` holds the sheets instead of `sheets`.
   */
  segments?: readonly SegmentRule[];
  segmentSheets?: readonly SegmentSheet[];
}

export interface ResultRow {
  entryId: string;
  code: string;
  title: string;
  score: number;
  rank: number;
  prize: Prize;
  judges: number;
  /** What the explanation says: how the score came about and, where a tie was broken, by what. */
  detail: {
    method: Aggregation;
    totals: number[];
    dropped: { highest: DroppedSheet; lowest: DroppedSheet } | null;
    aggregate: number;
    /** The judges' score (aggregate) blended with the vote: (1 − weight) × aggregate + weight × points. */
    publicVote: { votes: number; maxVotes: number; points: number; weight: number } | null;
    timeDeduction: (TimeDeduction & { seconds: number }) | null;
    tieBrokenBy: { key: string; label: string } | null;
    tiedWith: string[];
    /** A segmented round's segments (then totals is empty, dropped and timeDeduction are null). */
    segments?: SegmentDetail[];
  };
}

export interface ComputeOutput {
  results: ResultRow[];
  counts: PrizeCounts;
  /** Entries with no submitted sheet: not ranked. */
  unranked: { entryId: string; code: string; title: string }[];
}

export function computeResults(input: ComputeInput): ComputeOutput {
  if (input.segments) return computeSegmented(input, input.segments);
  const entries = input.entries;
  // 1. Aggregate: each rankable entry's sheets → the judges' score (and the criteria for ties).
  const criterionKeys = input.criteria.map((c) => c.key);
  const eligible = eligibleSheets(entries, input.sheets, criterionKeys);
  const { aggregates, tallies } = aggregateEligible(eligible, input.aggregation, criterionKeys);
  const aggregated = aggregates.map((agg, k) => ({ agg, entry: entries[eligible.entryIndex(k, agg.entryId)] }));
  // 2. Blend the public vote, 3. deduct talk time.
  const scored = finalScores(aggregated, input);
  // 4. Rank, breaking ties on the rubric's criteria.
  const ranked = rankScored(scored, tallies);
  // 5. Award prizes by rank.
  const counts = prizeCounts(input.prizes, ranked.order.length);
  const results = resultRows(scored, ranked, counts, input.criteria);
  const unranked = eligible
    .withoutSheets()
    .map((i) => ({ entryId: entries[i].id, code: entries[i].code, title: entries[i].title }));
  return { results, counts, unranked };
}

/**
 * A segmented round: segments.ts scores each finalist; the tie chain is every segment's criteria in
 * segment order; a finalist without any submitted sheet is not ranked.
 */
function computeSegmented(input: ComputeInput, segments: readonly SegmentRule[]): ComputeOutput {
  const entries = input.entries;
  const byId = new Map(entries.map((e) => [e.id, e]));
  const segmented = scoreSegments(
    entries,
    input.segmentSheets ?? [],
    segments,
    input.aggregation,
    (entryId, key) => byId.get(entryId)!.segmentSeconds?.[key] ?? null,
  );
  const scored = segmented.map((s): Scored => ({
    agg: {
      entryId: s.entryId,
      rawScore: s.aggregate,
      score: s.aggregate,
      judges: s.judges,
      method: input.aggregation,
      dropped: null,
      kept: [],
    },
    entry: byId.get(s.entryId)!,
    score: s.score,
    publicVote: null,
    timeDeduction: null,
    segments: s.segments,
  }));
  const ranked = rankPositions(segmented.map((s) => ({ entryId: s.entryId, score: s.score, criteria: s.criteria })));
  const counts = prizeCounts(input.prizes, ranked.order.length);
  const results = resultRows(scored, ranked, counts, segmentCriteria(segments));
  const ranks = new Set(segmented.map((s) => s.entryId));
  const unranked = entries
    .filter((e) => !ranks.has(e.id))
    .map((e) => ({ entryId: e.id, code: e.code, title: e.title }));
  return { results, counts, unranked };
}

function isSheetList(sheets: ComputeInput["sheets"]): sheets is readonly Sheet[] {
  return Array.isArray(sheets);
}

/** The rankable entries' sheets: from columns of the rubric's criteria as they are, else as objects. */
function eligibleSheets(entries: readonly ComputeEntry[], sheets: ComputeInput["sheets"], keys: readonly string[]) {
  if (isSheetList(sheets)) return sheetsOfEntries(entries, sheets, keys);
  const sameKeys = sheets.keys.length === keys.length && keys.every((key, i) => sheets.keys[i] === key);
  return sameKeys ? columnsOfEntries(entries, sheets) : sheetsOfEntries(entries, toSheets(sheets), keys);
}

interface Scored {
  agg: EntryAggregate;
  entry: ComputeEntry;
  score: number;
  publicVote: ResultRow["detail"]["publicVote"];
  timeDeduction: ResultRow["detail"]["timeDeduction"];
  segments?: SegmentDetail[];
}

/** Each entry's final score: the judges' score blended with the public vote, less the talk-time deduction. */
function finalScores(
  aggregated: readonly { agg: EntryAggregate; entry: ComputeEntry }[],
  input: ComputeInput,
): Scored[] {
  const weight = input.publicVoteWeight ?? 0;
  // The vote is normalized to the leader among the ranked entries (those with sheets).
  let maxVotes = 0;
  if (weight > 0) for (const { entry } of aggregated) maxVotes = Math.max(maxVotes, entry.publicVotes ?? 0);
  return aggregated.map(({ agg, entry }) => {
    // The published judges' score (2 decimals) is blended, so the explanation's arithmetic can be redone by hand.
    const votes = weight > 0 ? (entry.publicVotes ?? 0) : 0;
    const blended = weight > 0 ? applyPublicVote(agg.score, votes, maxVotes, weight) : null;
    const seconds = input.timeRules && entry.talkSeconds != null ? entry.talkSeconds : null;
    // Time rules apply to the final score after aggregation (DESIGN §3).
    const timed = seconds !== null ? applyTimeDeduction(blended ?? agg.rawScore, seconds, input.timeRules!) : null;
    return {
      agg,
      entry,
      score: timed ? timed.score : (blended ?? agg.score),
      publicVote: blended === null ? null : { votes, maxVotes, points: publicVotePoints(votes, maxVotes), weight },
      timeDeduction: timed ? { ...timed.deduction, seconds: seconds! } : null,
    };
  });
}

/**
 * Competition ranks with the criterion tie chain. The tallies follow the order of first
 * appearance too; as a table (the fast path), their rows line up with `scored` and rankTable
 * ranks on them directly, else rankPositions ranks from the map.
 */
function rankScored(scored: readonly Scored[], tallies: TallyTable | Map<string, CriterionTally[]>): RankPositions {
  let ranked: RankPositions | null = null;
  if (
    !(tallies instanceof Map) &&
    tallies.entryIds.length === scored.length &&
    scored.every((s, k) => tallies.entryIds[k] === s.agg.entryId)
  ) {
    ranked = rankTable(
      scored.map((s) => s.entry.id),
      scored.map((s) => s.score),
      tallies.keys.length,
      tallies.sums,
      tallies.counts,
    );
  }
  if (ranked === null) {
    const map = tallies instanceof Map ? tallies : tallyMap(tallies);
    ranked = rankPositions(
      scored.map((s) => ({ entryId: s.entry.id, score: s.score, criteria: map.get(s.entry.id)! })),
    );
  }
  return ranked;
}

/** The rows in rank order, each with its prize and what the explanation says. */
function resultRows(
  scored: readonly Scored[],
  ranked: RankPositions,
  counts: PrizeCounts,
  criteria: ComputeInput["criteria"],
): ResultRow[] {
  const results = new Array<ResultRow>(ranked.order.length);
  // Entries of equal rank are adjacent: tiedWith is the codes of the others of the run.
  for (let start = 0; start < ranked.order.length;) {
    let end = start + 1;
    while (end < ranked.order.length && ranked.rank[end] === ranked.rank[start]) end++;
    for (let i = start; i < end; i++) {
      const s = scored[ranked.order[i]];
      const tiedWith: string[] = [];
      for (let j = start; j < end; j++) if (j !== i) tiedWith.push(scored[ranked.order[j]].entry.code);
      const tieBrokenBy = ranked.tieBrokenBy[i]!;
      const criterion = tieBrokenBy === null ? null : criteria[tieBrokenBy];
      results[i] = {
        entryId: s.entry.id,
        code: s.entry.code,
        title: s.entry.title,
        score: s.score,
        rank: ranked.rank[i],
        prize: prizeForRank(ranked.rank[i], counts),
        judges: s.agg.judges,
        detail: {
          method: s.agg.method,
          totals: s.agg.kept,
          dropped: s.agg.dropped,
          aggregate: s.agg.score,
          publicVote: s.publicVote,
          timeDeduction: s.timeDeduction,
          tieBrokenBy: criterion ? { key: criterion.key, label: criterion.label } : null,
          tiedWith,
        },
      };
      if (s.segments) results[i].detail.segments = s.segments;
    }
    start = end;
  }
  return results;
}
