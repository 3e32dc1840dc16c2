import type { Knex } from "knex";
import type { SessionUser } from "../accounts/accounts.service.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import { assertMay } from "../contests/lifecycle.js";
import { recommendationQuotaFor } from "../contests/rules.js";
import { ConflictError, ForbiddenError } from "../lib/errors.js";
import { getEntry, loadEntry, type EntryJson } from "./entries.access.js";
import * as q from "./entries.queries.js";
import type { EntryRow } from "./entries.queries.js";

/** The review of entries by organizers and coordinators: format review (disqualify, re-admit), safety gate, recommendation. */

/** An organizer disqualifies an entry in the format review; the owner sees the reason. */
export async function setDisqualified(
  ctx: AppContext,
  user: SessionUser,
  entryId: string,
  disqualify: boolean,
  reason?: string,
): Promise<EntryJson> {
  const { entry } = await loadEntry(ctx, user, entryId);
  const contest = await getContest(ctx, user, entry.contestId);
  assertMay(contest, "reviewEntries");
  const from = disqualify ? "submitted" : "disqualified";
  if (entry.status !== from) throw new ConflictError("entry_status", "errors.entryStatusIs", { status: entry.status });
  await ctx.db.transaction(async (trx) => {
    await q.updateEntry(trx, entry.id, {
      status: disqualify ? "disqualified" : "submitted",
      statusReason: disqualify ? reason!.trim() : null,
      updatedAt: ctx.clock.now().toISOString(),
    });
    await recordAudit(trx, ctx.clock, {
      actorId: user.id,
      action: disqualify ? "entry.disqualify" : "entry.readmit",
      targetType: "entry",
      targetId: entry.id,
      details: { code: entry.code, reason },
    });
  });
  return getEntry(ctx, user, entry.id);
}

/** Disqualifies inside the caller's transaction: an upheld objection during the notice (DESIGN §2). */
export async function disqualifyInTransaction(
  ctx: AppContext,
  trx: Knex,
  entryId: string,
  reason: string,
): Promise<void> {
  await q.updateEntry(trx, entryId, {
    status: "disqualified",
    statusReason: reason,
    updatedAt: ctx.clock.now().toISOString(),
  });
}

/**
 * A city coordinator recommends (推荐) an entry of his city, within the city's quota. The
 * recommendation is stored with the coordinator and his city: it uses that city's quota until it is
 * withdrawn or an owner's edit clears it, wherever the entry moves meanwhile (Trust issue, item 3).
 */
export async function setRecommended(
  ctx: AppContext,
  user: SessionUser,
  entryId: string,
  recommend: boolean,
): Promise<EntryJson> {
  if (user.role !== "coordinator") throw new ForbiddenError();
  const { entry } = await loadEntry(ctx, user, entryId);
  const contest = await getContest(ctx, user, entry.contestId);
  if (!contest.rules.requiresRecommendation)
    throw new ConflictError("recommendation_not_required", "errors.recommendationNotRequired");
  assertMay(contest, "recommendEntries");
  if (entry.status !== "submitted")
    throw new ConflictError("entry_status", "errors.entryStatusIs", { status: entry.status });
  if ((entry.recommendedAt !== null) === recommend) return getEntry(ctx, user, entry.id);
  const city = user.city ?? "";
  // Only the city that made a recommendation takes it back (an organizer may have moved the entry since).
  if (!recommend && entry.recommendedCity !== null && entry.recommendedCity !== city) throw new ForbiddenError();
  await ctx.db.transaction(async (trx) => {
    const quota = recommendationQuotaFor(contest.rules, city);
    if (recommend && (await q.countRecommended(trx, contest.id, city)) >= quota) {
      throw new ConflictError("quota_full", "errors.quotaFull", { quota });
    }
    const now = ctx.clock.now().toISOString();
    await q.updateEntry(trx, entry.id, {
      recommendedAt: recommend ? now : null,
      recommendedBy: recommend ? user.id : null,
      recommendedCity: recommend ? city : null,
      ...(recommend ? { recommendationClearedAt: null } : {}),
      updatedAt: now,
    });
    await recordAudit(trx, ctx.clock, {
      actorId: user.id,
      action: recommend ? "entry.recommend" : "entry.unrecommend",
      targetType: "entry",
      targetId: entry.id,
      details: { code: entry.code, city: recommend ? city : entry.recommendedCity, entryCity: entry.city },
    });
  });
  return getEntry(ctx, user, entry.id);
}

/** The fields a coordinator vouches for by recommending an entry: an owner's change to any of them, or to a file, clears it. */
export const VOUCHED_FIELDS = ["title", "summary", "category", "city", "unit", "authors"] as const;
export type VouchedField = (typeof VOUCHED_FIELDS)[number] | "files";

/**
 * Clears an entry's recommendation inside the owner's edit (the coordinator vouched for what changed):
 * the quota is freed, the audit log records what changed, and the owner and the coordinator are shown
 * that it must be recommended again.
 */
export async function clearRecommendationInTransaction(
  ctx: AppContext,
  trx: Knex,
  actor: SessionUser,
  entry: EntryRow,
  changed: VouchedField[],
  now: string,
): Promise<void> {
  if (entry.recommendedAt === null || changed.length === 0) return;
  await q.updateEntry(trx, entry.id, {
    recommendedAt: null,
    recommendedBy: null,
    recommendedCity: null,
    recommendationClearedAt: now,
  });
  await recordAudit(trx, ctx.clock, {
    actorId: actor.id,
    action: "entry.recommendationCleared",
    targetType: "entry",
    targetId: entry.id,
    details: {
      code: entry.code,
      changed,
      recommendedBy: entry.recommendedBy,
      recommendedAt: entry.recommendedAt,
      city: entry.recommendedCity,
    },
  });
}

/** A city's use of its recommendation quota: the recommendations its coordinators made that stand. */
export async function recommendationQuota(
  ctx: AppContext,
  contest: Contest,
  city: string,
): Promise<{ used: number; quota: number }> {
  return {
    used: await q.countRecommended(ctx.db, contest.id, city),
    quota: recommendationQuotaFor(contest.rules, city),
  };
}

/** An organizer records the experiment safety check; an unsafe entry is not ranked (DESIGN §3). */
export async function setSafety(
  ctx: AppContext,
  user: SessionUser,
  entryId: string,
  safe: boolean,
): Promise<EntryJson> {
  const { entry } = await loadEntry(ctx, user, entryId);
  const contest = await getContest(ctx, user, entry.contestId);
  if (!contest.rules.safetyGate) throw new ConflictError("no_safety_gate", "errors.noSafetyGate");
  assertMay(contest, "reviewEntries");
  await ctx.db.transaction(async (trx) => {
    await q.updateEntry(trx, entry.id, { safetyFailed: !safe, updatedAt: ctx.clock.now().toISOString() });
    await recordAudit(trx, ctx.clock, {
      actorId: user.id,
      action: "entry.safety",
      targetType: "entry",
      targetId: entry.id,
      details: { code: entry.code, safe },
    });
  });
  return getEntry(ctx, user, entry.id);
}
