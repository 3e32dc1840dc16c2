/**
 * A live final's scores (DESIGN §3 "Live final"), pure: each segment's score is the round's
 * aggregation of the judges' submitted totals (aggregate.ts, which also says who is dropped); a
 * finalist's score = round2(Σ weight × segment score + Σ time deductions); ranking breaks ties on
 * every segment's criteria in segment order; prizes as for any round.
 * TODO(live-results): switch to computeResults with `segments` once it lands, and delete this file.
 */
import type { Aggregation } from "../contests/contests.schemas.js";
import type { PrizeSettings } from "../contests/prizes.js";
import { aggregateRound, criterionTallies, type EntryAggregate, type Sheet } from "../results/aggregate.js";
import { add, fromNumber, mul, readScore, roundFraction, sum, ZERO } from "../results/decimal.js";
import { prizeCounts, prizeForRank, type Prize } from "../results/prizes.js";
import { rankPositions } from "../results/rank.js";
import { timeDeduction } from "../results/time-rules.js";
import { segmentTimeRules } from "./live.rules.js";
import type { Segment } from "./live.schemas.js";

export interface SegmentSheet extends Sheet {
  segment: string;
}

export interface LiveScoresInput {
  segments: readonly Segment[];
  aggregation: Aggregation;
  prizes: PrizeSettings;
  /** The finalists that may be ranked, in running order. */
  finalists: readonly string[];
  /** Submitted sheets only. */
  sheets: readonly SegmentSheet[];
  /** Measured seconds per entry and segment key. */
  seconds: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

export interface LiveScore {
  entryId: string;
  score: number;
  rank: number;
  prize: Prize;
  segments: Record<string, number | null>;
}

export interface LiveScores {
  /** Per segment key, each entry's aggregate (who was dropped included). */
  aggregates: Map<string, Map<string, EntryAggregate>>;
  /** Every finalist with a submitted sheet, scored, in rank order. */
  ranking: LiveScore[];
  /** Every entry's score so far (ranked or not). */
  scores: Map<string, number>;
}

export function liveScores(input: LiveScoresInput): LiveScores {
  const aggregates = new Map<string, Map<string, EntryAggregate>>();
  const tallies = new Map<string, Map<string, { sum: number; count: number }[]>>();
  for (const segment of input.segments) {
    const sheets = input.sheets.filter((s) => s.segment === segment.key);
    aggregates.set(segment.key, aggregateRound(sheets, input.aggregation));
    tallies.set(
      segment.key,
      criterionTallies(
        sheets,
        segment.rubric.criteria.map((c) => c.key),
      ),
    );
  }
  const scored = new Set(input.sheets.map((s) => s.entryId));
  const scores = new Map<string, number>();
  for (const entryId of scored) scores.set(entryId, finalistScore(input, aggregates, entryId));
  const ranked = input.finalists.filter((id) => scored.has(id));
  const positions = rankPositions(
    ranked.map((entryId) => ({
      entryId,
      score: scores.get(entryId)!,
      criteria: input.segments.flatMap(
        (segment) =>
          tallies.get(segment.key)!.get(entryId) ?? segment.rubric.criteria.map(() => ({ sum: 0, count: 0 })),
      ),
    })),
  );
  const counts = prizeCounts(input.prizes, ranked.length);
  const ranking = Array.from(positions.order, (k, i) => {
    const entryId = ranked[k];
    return {
      entryId,
      score: scores.get(entryId)!,
      rank: positions.rank[i],
      prize: prizeForRank(positions.rank[i], counts),
      segments: Object.fromEntries(
        input.segments.map((s) => [s.key, aggregates.get(s.key)!.get(entryId)?.score ?? null]),
      ),
    };
  });
  return { aggregates, ranking, scores };
}

/** round2(Σ weight × segment score + Σ deductions of the limited segments timed); a segment not scored counts 0. */
function finalistScore(
  input: LiveScoresInput,
  aggregates: Map<string, Map<string, EntryAggregate>>,
  entryId: string,
): number {
  const parts = input.segments.map((segment) => {
    const agg = aggregates.get(segment.key)!.get(entryId);
    const weighted = agg ? mul(fromNumber(segment.weight), readScore(agg.score)) : ZERO;
    const seconds = input.seconds.get(entryId)?.get(segment.key);
    const deduction =
      segment.seconds !== undefined && seconds !== undefined
        ? timeDeduction(seconds, segmentTimeRules(segment.seconds)).points
        : 0;
    return add(weighted, fromNumber(deduction));
  });
  return roundFraction(sum(parts), 2);
}
