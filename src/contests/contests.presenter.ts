import type { AppContext } from "../context.js";
import { withCurrentRounds } from "../judging/judging.service.js";
import type { Contest } from "./contests.service.js";

/**
 * Contests as readers see them, in the API and on the pages alike: `rubric` and `aggregation` are
 * the current round's (a final (决赛) judges by its own rubric, DESIGN §4).
 */
export async function presentContests(ctx: AppContext, contests: Contest[]): Promise<Contest[]> {
  return withCurrentRounds(ctx, contests);
}

export async function presentContest(ctx: AppContext, contest: Contest): Promise<Contest> {
  return (await presentContests(ctx, [contest]))[0];
}
