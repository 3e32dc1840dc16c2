import type { SessionUser } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import { moveStage, type Contest } from "../contests/contests.service.js";
import type { Stage } from "../contests/lifecycle.js";
import { ConflictError } from "../lib/errors.js";
import { assertNoPendingRescore, countOpenObjections } from "../results/objections.service.js";
import { computeAndStore, loadComputed } from "../results/results.service.js";
import { assertNoShortPanels } from "../results/short-panels.service.js";
import { writeSnapshot } from "../results/snapshots.service.js";

/**
 * Moves a contest's stage (contests.service `moveStage`) with what entering the new stage does to the
 * results, in the same transaction (lifecycle `onEntering`): review computes and stores them (scores
 * are frozen from then on); the notice computes them again, refuses while a ranked entry is short and not accepted, freezes a
 * snapshot and publishes it; the
 * final list is refused while an objection is open and freezes the last snapshot for good.
 */
export async function moveContestStage(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  to: Stage,
): Promise<Contest> {
  return moveStage(ctx, user, contestId, to, async (trx, contest, entering) => {
    if (entering.storesResults) await computeAndStore(ctx, trx, contest);
    if (entering.freezesNotice) {
      const results = await computeAndStore(ctx, trx, contest);
      assertNoShortPanels(results);
      await writeSnapshot(ctx, trx, contest, results, "notice", contest.noticeEndsAt);
    }
    if (entering.freezesFinal) {
      if ((await countOpenObjections(trx, contest.id)) > 0)
        throw new ConflictError("objections_open", "errors.objectionsOpen");
      await assertNoPendingRescore(trx, contest.id);
      const computed = await loadComputed(trx, contest.id);
      await writeSnapshot(ctx, trx, contest, computed!, "final", contest.noticeEndsAt);
    }
  });
}
