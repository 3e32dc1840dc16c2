/**
 * The whole results pipeline of DESIGN §3 for one round, pure: submitted sheets → aggregate →
 * talk-time deduction → rank (with the criterion tie chain) → prizes. No I/O.
 */
import { aggregateRound, criterionTallies, type AggregationMethod, type DroppedSheet, type Sheet } from "./aggregate.js";
import { awardPrizes, prizeCounts, type Prize, type PrizeCounts, type PrizeRule } from "./prizes.js";
import { rankEntries } from "./rank.js";
import { applyTimeDeduction, type TimeDeduction, type TimeRules } from "./time-rules.js";

export interface ComputeEntry {
  id: string;
  code: string;
  title: string;
  /** The explainer talk's measured time, when recorded. */
  talkSeconds?: number | null;
}

export interface ComputeInput {
  criteria: readonly { key: string; label: string }[];
  aggregation: AggregationMethod;
  prizes: PrizeRule;
  timeRules: TimeRules | null;
  /** The entries that may be ranked (not withdrawn, disqualified or unsafe). */
  entries: readonly ComputeEntry[];
  /** Submitted sheets only. */
  sheets: readonly Sheet[];
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
    method: AggregationMethod;
    totals: number[];
    dropped: { highest: DroppedSheet; lowest: DroppedSheet } | null;
    aggregate: number;
    timeDeduction: (TimeDeduction & { seconds: number }) | null;
    tieBrokenBy: { key: string; label: string } | null;
    tiedWith: string[];
  };
}

export interface ComputeOutput {
  results: ResultRow[];
  counts: PrizeCounts;
  /** Entries with no submitted sheet: not ranked. */
  unranked: { entryId: string; code: string; title: string }[];
}

export function computeResults(input: ComputeInput): ComputeOutput {
  const eligible = new Map(input.entries.map((e) => [e.id, e]));
  const sheets = input.sheets.filter((s) => eligible.has(s.entryId));
  const aggregates = aggregateRound(sheets, input.aggregation);
  const tallies = criterionTallies(sheets, input.criteria.map((c) => c.key));
  const scored = [...aggregates.values()].map((agg) => {
    const entry = eligible.get(agg.entryId)!;
    const seconds = input.timeRules && entry.talkSeconds != null ? entry.talkSeconds : null;
    // Time rules apply to the final score after aggregation (DESIGN §3).
    const timed = seconds !== null ? applyTimeDeduction(agg.rawScore, seconds, input.timeRules!) : null;
    return { agg, entry, score: timed ? timed.score : agg.score, timeDeduction: timed ? { ...timed.deduction, seconds: seconds! } : null };
  });
  const ranked = rankEntries(scored.map((s) => ({ entryId: s.entry.id, score: s.score, criteria: tallies.get(s.entry.id)! })));
  const prizes = awardPrizes(ranked, input.prizes);
  const byId = new Map(scored.map((s) => [s.entry.id, s]));
  const results = ranked.map((r): ResultRow => {
    const s = byId.get(r.entryId)!;
    const criterion = r.tieBrokenBy === null ? null : input.criteria[r.tieBrokenBy]!;
    return {
      entryId: r.entryId,
      code: s.entry.code,
      title: s.entry.title,
      score: s.score,
      rank: r.rank,
      prize: prizes.get(r.entryId) ?? null,
      judges: s.agg.judges,
      detail: {
        method: s.agg.method,
        totals: s.agg.kept,
        dropped: s.agg.dropped,
        aggregate: s.agg.score,
        timeDeduction: s.timeDeduction,
        tieBrokenBy: criterion ? { key: criterion.key, label: criterion.label } : null,
        tiedWith: r.tiedWith.map((id) => byId.get(id)!.entry.code),
      },
    };
  });
  return {
    results,
    counts: prizeCounts(input.prizes, ranked.length),
    unranked: input.entries.filter((e) => !aggregates.has(e.id)).map((e) => ({ entryId: e.id, code: e.code, title: e.title })),
  };
}
