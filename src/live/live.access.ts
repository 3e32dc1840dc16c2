/** Finding a contest's live final and changing it: one transaction that bumps the version, then the notification. */
import type { Knex } from "knex";
import type { SessionUser } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import { assertMay } from "../contests/lifecycle.js";
import { AppError, ConflictError, ForbiddenError } from "../lib/errors.js";
import { notifyLiveChange } from "./live.bus.js";
import * as q from "./live.queries.js";
import type { LiveFinalRow } from "./live.queries.js";

export async function liveOf(
  ctx: AppContext,
  user: SessionUser | null,
  contestId: string,
): Promise<{ contest: Contest; final: LiveFinalRow }> {
  const contest = await getContest(ctx, user, contestId);
  const final = await q.liveFinalOfContest(ctx.db, contest.id);
  if (!final) throw noLive();
  return { contest, final };
}

export function noLive(): AppError {
  return new AppError(404, "no_live", "errors.noLive");
}

export function assertOrganizer(user: SessionUser): void {
  if (user.role !== "organizer") throw new ForbiddenError();
}

/**
 * Runs a change (corrections also after the last finalist: `finishedToo`) of a running live final: in one transaction with its row locked (two timekeepers'
 * clicks cannot both advance from the same finalist), bumping its version; notifies after the commit.
 */
export async function changeLive(
  ctx: AppContext,
  contest: Contest,
  final: LiveFinalRow,
  change: (trx: Knex, locked: LiveFinalRow, now: Date) => Promise<LiveChange | null>,
  options: { messageKey?: string; finishedToo?: boolean } = {},
): Promise<void> {
  assertMay(contest, "runLiveFinal", options.messageKey);
  const changed = await ctx.db.transaction(async (trx) => {
    const locked = await q.lockLiveFinal(trx, final.roundId);
    if (!locked) throw noLive();
    if (locked.status === "finished" && !options.finishedToo)
      throw new ConflictError("live_finished", "errors.liveFinished");
    const now = ctx.clock.now();
    const changes = await change(trx, locked, now);
    if (changes) await q.updateLiveFinal(trx, final.roundId, changes, now.toISOString());
    return changes !== null;
  });
  if (changed) notifyLiveChange(ctx, contest.id);
}

/** What a change does to the live final's row; null: nothing the state shows changed (a draft), so no new version. */
export type LiveChange = Parameters<typeof q.updateLiveFinal>[2];
