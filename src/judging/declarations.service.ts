import type { SessionUser } from "../accounts/accounts.service.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import { getContest } from "../contests/contests.service.js";
import { assertMay } from "../contests/lifecycle.js";
import { ConflictError, ForbiddenError, NotFoundError, StageError } from "../lib/errors.js";
import * as q from "./judging.queries.js";
import { panelOf, reassignToLeastLoaded } from "./pools.service.js";
import { judgeSheet } from "./scoring.service.js";

/** Declared conflicts of interest (回避): the judge's declaration for a contest, and his conflict with one entry. */

/**
 * A judge declares a conflict with one of his entries (回避, DESIGN §3 "a declared conflict"): it is
 * recorded, so the entry is never assigned to him again; his unsubmitted assignment (draft included)
 * goes to the least-loaded eligible judge of the pool, or, when there is none, is left for the
 * organizer (the audit log and the progress page show the entry short of a judge). A submitted sheet
 * stays: only the organizer may remove it.
 */
export async function declareConflict(
  ctx: AppContext,
  user: SessionUser,
  assignmentId: string,
  reason: string,
): Promise<{ entryId: string; replaced: boolean }> {
  const { sheet, contest, round } = await judgeSheet(ctx, user, assignmentId);
  // His entry must still be able to move to another judge: assignments may change and the round is open.
  assertMay(contest, "assignJudges", "errors.scoringClosed");
  if (round.status !== "open") throw new StageError("errors.scoringClosed", { stage: contest.stage });
  if (sheet.status === "submitted") throw new ConflictError("assignment_scored", "errors.assignmentScored");
  const panel = await panelOf(ctx, user, contest.id);
  return ctx.db.transaction(async (trx) => {
    const now = ctx.clock.now().toISOString();
    const all = await q.assignmentsOfRound(trx, round.id);
    const mine = all.find((a) => a.id === assignmentId);
    // Another request of his removed it meanwhile.
    if (!mine) throw new NotFoundError("errors.assignmentNotFound");
    await q.insertDeclaredConflict(trx, { judgeId: user.id, entryId: mine.entryId, reason, at: now });
    const { fresh } = reassignToLeastLoaded(panel, all, [mine], user.id, now);
    await q.deleteAssignments(trx, [mine.id]);
    await q.insertAssignments(trx, fresh);
    await recordAudit(trx, ctx.clock, {
      actorId: user.id,
      action: "judging.declareConflict",
      targetType: "entry",
      targetId: mine.entryId,
      details: { reason, replacedBy: fresh[0]?.judgeId ?? null },
    });
    return { entryId: mine.entryId, replaced: fresh.length > 0 };
  });
}

/** The judge accepts the conflict-of-interest declaration (回避声明) of a contest he judges. */
export async function acceptDeclaration(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
): Promise<{ accepted: true; contestId: string }> {
  if (user.role !== "judge") throw new ForbiddenError();
  const contest = await getContest(ctx, user, contestId);
  const rounds = await q.roundsOf(ctx.db, contest.id);
  const involved = (await Promise.all(rounds.map((r) => q.poolOf(ctx.db, r.id)))).some((pool) =>
    pool.includes(user.id),
  );
  if (!involved) throw new ForbiddenError("errors.notOnPanel", "not_on_panel");
  await q.insertDeclaration(ctx.db, contest.id, user.id, ctx.clock.now().toISOString());
  return { accepted: true, contestId: contest.id };
}

export async function hasDeclared(ctx: AppContext, contestId: string, judgeId: string): Promise<boolean> {
  return q.hasDeclared(ctx.db, contestId, judgeId);
}
