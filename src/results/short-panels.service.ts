import type { SessionUser } from "../accounts/accounts.service.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import { getContest } from "../contests/contests.service.js";
import { assertMay } from "../contests/lifecycle.js";
import { currentRound } from "../judging/judging.service.js";
import { ConflictError, ForbiddenError } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import * as q from "./results.queries.js";
import type { AcceptShortPanelBody } from "./results.schemas.js";
import { computeAndStore, type ContestResults } from "./results.service.js";
import { isAccepted, type AcceptedShortPanel } from "./short-panels.js";

/**
 * Refuses to publish while a ranked entry is short and not accepted (DESIGN §3 "Short panels"): the
 * message names each by code with its sheets and the judges required; details list them.
 */
export function assertNoShortPanels(results: ContestResults): void {
  const open = (results.short ?? []).filter((s) => !isAccepted(s));
  if (open.length === 0) return;
  throw new ConflictError(
    "short_panels",
    "errors.shortPanels",
    { entries: open.map((s) => `${s.code} ${s.sheets}/${s.required}`) },
    open.map((s) => ({ entryId: s.entryId, code: s.code, sheets: s.sheets, required: s.required })),
  );
}

/**
 * The organizer accepts a short entry as it stands, with a written reason (audited; printed in the rules
 * in force and published in the snapshots). Only a ranked entry that is short now may be accepted; the
 * results are computed again with it.
 */
export async function acceptShortPanel(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  body: AcceptShortPanelBody,
): Promise<AcceptedShortPanel> {
  if (user.role !== "organizer") throw new ForbiddenError();
  const contest = await getContest(ctx, user, contestId);
  assertMay(contest, "acceptShortPanels");
  const reason = body.reason.trim();
  return ctx.db.transaction(async (trx) => {
    const inTransaction: AppContext = { ...ctx, db: trx };
    const round = await currentRound(inTransaction, trx, contest);
    const before = await computeAndStore(ctx, trx, contest);
    const short = before.short?.find((s) => s.entryId === body.entryId);
    if (!short) throw new ConflictError("not_short", "errors.notShort");
    await q.saveShortPanelAcceptance(trx, {
      id: newId(),
      contestId: contest.id,
      roundId: round.id,
      entryId: short.entryId,
      sheets: short.sheets,
      required: short.required,
      reason,
      acceptedBy: user.id,
      acceptedAt: ctx.clock.now().toISOString(),
    });
    await recordAudit(trx, ctx.clock, {
      actorId: user.id,
      action: "results.acceptShortPanel",
      targetType: "entry",
      targetId: short.entryId,
      details: {
        code: short.code,
        sheets: short.sheets,
        required: short.required,
        reason: { from: short.reason, to: reason },
      },
    });
    const after = await computeAndStore(ctx, trx, contest);
    return after.short!.filter(isAccepted).find((s) => s.entryId === short.entryId)!;
  });
}
