/**
 * The whole results pipeline of DESIGN §3 for one round, pure: submitted sheets → aggregate →
 * public vote → talk-time deduction → rank (with the criterion tie chain) → prizes. No I/O.
 */
import { aggregateWithTallies, applyPublicVote, publicVotePoints, tallyMap, type AggregationMethod, type DroppedSheet, type Sheet, type SheetGroups } from "./aggregate.js";
import { prizeCounts, prizeForRank, type Prize, type PrizeCounts, type PrizeRule } from "./prizes.js";
import { rankPositions, rankTable, type RankPositions } from "./rank.js";
import { applyTimeDeduction, type TimeDeduction, type TimeRules } from "./time-rules.js";

export interface ComputeEntry {
  id: string;
  code: string;
  title: string;
  /** The explainer talk's measured time, when recorded. */
  talkSeconds?: number | null;
  /** Public vote count (网络投票); none counts as 0 when the vote has a weight. */
  publicVotes?: number | null;
}

export interface ComputeInput {
  criteria: readonly { key: string; label: string }[];
  aggregation: AggregationMethod;
  prizes: PrizeRule;
  timeRules: TimeRules | null;
  /** The public vote's weight, 0..0.3; 0 or absent: no vote. */
  publicVoteWeight?: number;
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
    /** The judges' score (aggregate) blended with the vote: (1 − weight) × aggregate + weight × points. */
    publicVote: { votes: number; maxVotes: number; points: number; weight: number } | null;
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
  const entries = input.entries;
  const position = new Map<string, number>();
  for (let i = 0; i < entries.length; i++) position.set(entries[i]!.id, i);
  // The sheets of eligible entries, grouped by entry in order of first appearance (the order of
  // aggregateRound's map). Sheets mostly come grouped by entry: one lookup per run.
  const groupOfEntry = new Int32Array(entries.length).fill(-1);
  const appearance: number[] = [];
  const groups: SheetGroups = { entryIds: [], groupOf: new Int32Array(input.sheets.length) };
  let sheets: Sheet[] | null = null; // a copy only once some sheet is left out
  let count = 0;
  let lastId: string | undefined;
  let group = -1;
  for (let s = 0; s < input.sheets.length; s++) {
    const sheet = input.sheets[s]!;
    if (lastId === undefined || sheet.entryId !== lastId) {
      lastId = sheet.entryId;
      const p = position.get(lastId);
      if (p === undefined) group = -1;
      else {
        if (groupOfEntry[p] === -1) {
          groupOfEntry[p] = appearance.length;
          appearance.push(p);
          groups.entryIds.push(lastId);
        }
        group = groupOfEntry[p]!;
      }
    }
    if (group < 0) {
      sheets ??= input.sheets.slice(0, s);
      continue;
    }
    if (sheets !== null) sheets.push(sheet);
    groups.groupOf[count++] = group;
  }
  const eligibleSheets: readonly Sheet[] = sheets ?? input.sheets;
  if (count < groups.groupOf.length) groups.groupOf = groups.groupOf.slice(0, count);
  const { aggregates, tallies } = aggregateWithTallies(eligibleSheets, input.aggregation, input.criteria.map((c) => c.key), groups);
  // The aggregates follow the order of first appearance; look up only if that ever fails.
  const entryOf = (k: number) => {
    const p = appearance[k];
    const id = aggregates[k]!.entryId;
    return p !== undefined && entries[p]!.id === id ? entries[p]! : entries[position.get(id)!]!;
  };
  const weight = input.publicVoteWeight ?? 0;
  // The vote is normalized to the leader among the ranked entries (those with sheets).
  let maxVotes = 0;
  if (weight > 0) for (let k = 0; k < aggregates.length; k++) maxVotes = Math.max(maxVotes, entryOf(k).publicVotes ?? 0);
  const scored = aggregates.map((agg, k) => {
    const entry = entryOf(k);
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
  // The tallies follow the order of first appearance too; as a table, their rows line up with `scored`.
  let ranked: RankPositions | null = null;
  if (!(tallies instanceof Map) && tallies.entryIds.length === scored.length && scored.every((s, k) => tallies.entryIds[k] === s.agg.entryId)) {
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
    ranked = rankPositions(scored.map((s) => ({ entryId: s.entry.id, score: s.score, criteria: map.get(s.entry.id)! })));
  }
  const counts = prizeCounts(input.prizes, ranked.order.length);
  const results = new Array<ResultRow>(ranked.order.length);
  // Entries of equal rank are adjacent: tiedWith is the codes of the others of the run.
  for (let start = 0; start < ranked.order.length; ) {
    let end = start + 1;
    while (end < ranked.order.length && ranked.rank[end] === ranked.rank[start]) end++;
    for (let i = start; i < end; i++) {
      const s = scored[ranked.order[i]!]!;
      const tiedWith: string[] = [];
      for (let j = start; j < end; j++) if (j !== i) tiedWith.push(scored[ranked.order[j]!]!.entry.code);
      const tieBrokenBy = ranked.tieBrokenBy[i]!;
      const criterion = tieBrokenBy === null ? null : input.criteria[tieBrokenBy]!;
      results[i] = {
        entryId: s.entry.id,
        code: s.entry.code,
        title: s.entry.title,
        score: s.score,
        rank: ranked.rank[i]!,
        prize: prizeForRank(ranked.rank[i]!, counts),
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
    }
    start = end;
  }
  const unranked: ComputeOutput["unranked"] = [];
  // Entries without sheets. (With an id listed twice, only the last of them is marked: compare ids then.)
  const distinct = position.size === entries.length;
  const withSheets = distinct ? null : new Set(aggregates.map((a) => a.entryId));
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (withSheets === null ? groupOfEntry[i] === -1 : !withSheets.has(e.id)) unranked.push({ entryId: e.id, code: e.code, title: e.title });
  }
  return { results, counts, unranked };
}
