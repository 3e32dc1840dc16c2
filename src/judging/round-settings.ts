import { Type, type Static } from "@sinclair/typebox";
import type { Contest } from "../contests/contests.service.js";
import type { Rubric } from "../contests/rubric.js";
import type { RoundRow } from "./judging.queries.js";

/** How a round's entries advance to the next (DESIGN §2): its top N (ties at the cut all advance), or those scoring above a threshold. */
export const AdvancementSchema = Type.Union([
  Type.Object({ top: Type.Integer({ minimum: 1, maximum: 100000 }) }, { additionalProperties: false }),
  Type.Object({ threshold: Type.Number({ minimum: 0, maximum: 100000 }) }, { additionalProperties: false }),
]);
export type Advancement = Static<typeof AdvancementSchema>;

/** A round's rubric, aggregation and judges per entry: its own where set, else the contest's. */
export interface RoundSettings {
  round: RoundRow;
  rubric: Rubric;
  aggregation: Contest["aggregation"];
  /** Null for a final round without its own number: the whole panel scores every finalist. */
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
