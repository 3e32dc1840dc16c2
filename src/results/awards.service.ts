/**
 * Named awards chosen by the organizer (最佳创意奖 ×3 …, DESIGN §3 "Prizes"): among the ranked
 * entries of the stored results, each with a written reason, at most the award's count, audited.
 */
import type { SessionUser } from "../accounts/accounts.service.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import { getContest } from "../contests/contests.service.js";
import { assertMay } from "../contests/lifecycle.js";
import { awardBasis } from "../contests/prizes.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../lib/errors.js";
import type { AwardChoice } from "./awards.js";
import * as q from "./results.queries.js";
import { loadComputed } from "./results.service.js";

/** The organizer's current choices for the contest's named awards, by award key. */
export async function awardChoices(ctx: AppContext, contestId: string): Promise<Map<string, AwardChoice[]>> {
  return q.awardChoicesOf(ctx.db, contestId);
}

/** Replaces the choices of one named award; answers them with the entries' codes. */
export async function chooseAward(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  key: string,
  choices: readonly AwardChoice[],
): Promise<{ key: string; label: string; count: number; choices: (AwardChoice & { code: string })[] }> {
  const contest = await getContest(ctx, user, contestId);
  if (user.role !== "organizer") throw new ForbiddenError();
  // Frozen with the results once the notice is published.
  assertMay(contest, "chooseAwards");
  const award = (contest.prizes.extras ?? []).find((a) => a.key === key);
  if (!award) throw new NotFoundError("errors.awardNotFound", { key });
  if (awardBasis(award) !== "chosen")
    throw new ValidationError("errors.awardNotChosen", { label: award.label }, { field: "key" }, "award_not_chosen");
  const count = award.count ?? 0;
  if (choices.length > count)
    throw new ValidationError(
      "errors.awardOverCount",
      { label: award.label, count, n: choices.length },
      { field: "entryIds" },
      "award_over_count",
    );
  const ids = choices.map((c) => c.entryId);
  if (new Set(ids).size !== ids.length)
    throw new ValidationError("errors.awardTwice", { label: award.label }, { field: "entryIds" }, "validation_failed");
  // Among the ranked entries of the stored results (review stores them).
  const ranked = new Map((await loadComputed(ctx.db, contest.id))?.results.map((r) => [r.entryId, r.code]) ?? []);
  const unranked = ids.filter((id) => !ranked.has(id));
  if (unranked.length > 0)
    throw new ValidationError(
      "errors.awardUnranked",
      { label: award.label, entries: unranked.join(", ") },
      { field: "entryIds", entryIds: unranked },
      "award_entry_unranked",
    );
  return ctx.db.transaction(async (trx) => {
    const before = (await q.awardChoicesOf(trx, contest.id)).get(key) ?? [];
    await q.replaceAwardChoices(trx, contest.id, key, choices, { userId: user.id, at: ctx.clock.now().toISOString() });
    const codes = (list: readonly AwardChoice[]) =>
      list.map((c) => `${ranked.get(c.entryId) ?? c.entryId}（${c.reason}）`);
    await recordAudit(trx, ctx.clock, {
      actorId: user.id,
      action: "results.awardChoice",
      targetType: "contest",
      targetId: contest.id,
      details: { award: award.label, key, before: codes(before), after: codes(choices) },
    });
    return {
      key,
      label: award.label,
      count,
      choices: choices.map((c) => ({ ...c, code: ranked.get(c.entryId)! })),
    };
  });
}
