import type { Contest } from "../contests/contests.service.js";
import type { Rubric } from "../contests/rubric.js";
import type { RoundRow } from "./judging.queries.js";

/** A round's rubric, aggregation and judges per entry: its own where set, else the contest's. */
export interface RoundSettings {
  round: RoundRow;
  rubric: Rubric;
  aggregation: Contest["aggregation"];
  /** Null for a final round: the whole panel scores every finalist. */
  judgesPerEntry: number | null;
}

export function settingsOf(contest: Contest, round: RoundRow): RoundSettings {
  return {
    round,
    rubric: round.rubric ?? contest.rubric,
    aggregation: round.aggregation ?? contest.aggregation,
    judgesPerEntry: round.number === 1 ? (round.judgesPerEntry ?? contest.judgesPerEntry) : round.judgesPerEntry,
  };
}
