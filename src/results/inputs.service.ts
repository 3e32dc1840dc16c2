import type { Knex } from "knex";
import type { SessionUser } from "../accounts/accounts.service.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import { assertMay } from "../contests/lifecycle.js";
import {
  getEntry,
  readableEntry,
  replacePublicVotesInTransaction,
  setTalkSecondsInTransaction,
  submittedEntrySummaries,
  type EntryJson,
} from "../entries/entries.service.js";
import { ConflictError, ForbiddenError, ValidationError } from "../lib/errors.js";

/** What the results take in besides the judges' sheets: the explainer talks' measured times and the public vote (网络投票). */

function assertTimingOpen(contest: Contest): void {
  if (!contest.rules.timeRules) throw new ConflictError("no_time_rules", "errors.noTimeRules");
  // Talk times are recorded from closing (the live final) until the results go public.
  assertMay(contest, "recordTalkTimes", "errors.entryLocked");
}

async function writeTiming(
  ctx: AppContext,
  trx: Knex,
  user: SessionUser,
  entry: { id: string; code: string; talkSeconds: number | null },
  seconds: number,
): Promise<void> {
  await setTalkSecondsInTransaction(ctx, trx, entry.id, seconds);
  await recordAudit(trx, ctx.clock, {
    actorId: user.id,
    action: "entry.timing",
    targetType: "entry",
    targetId: entry.id,
    details: { code: entry.code, seconds, before: entry.talkSeconds },
  });
}

/** An organizer records an explainer talk's measured time (PUT /entries/:id/timing), applied after aggregation. */
/** Pasted lines name entries by code: every code must be one of the contest's submitted entries (the first ten are named). */
function assertKnownCodes(codes: string[], known: ReadonlyMap<string, unknown>): void {
  const unknown = codes.filter((code) => !known.has(code));
  if (unknown.length > 0)
    throw new ValidationError(
      "errors.unknownEntryCodes",
      { codes: unknown.slice(0, 10) },
      { codes: unknown },
      "unknown_entries",
    );
}

export async function setTiming(
  ctx: AppContext,
  user: SessionUser,
  entryId: string,
  seconds: number,
): Promise<EntryJson> {
  const entry = await readableEntry(ctx, user, entryId);
  assertTimingOpen(await getContest(ctx, user, entry.contestId));
  await ctx.db.transaction((trx) => writeTiming(ctx, trx, user, entry, seconds));
  return getEntry(ctx, user, entry.id);
}

/** Several talks' times at once, by entry code (the review page); all or nothing, unknown codes refused. */
export async function setTalkTimes(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  secondsByCode: Record<string, number>,
): Promise<number> {
  const contest = await getContest(ctx, user, contestId);
  assertTimingOpen(contest);
  return ctx.db.transaction(async (trx) => {
    const entries = new Map(
      (await submittedEntrySummaries({ ...ctx, db: trx }, contest.id, { talkSeconds: true })).map((e) => [e.code, e]),
    );
    assertKnownCodes(Object.keys(secondsByCode), entries);
    for (const [code, seconds] of Object.entries(secondsByCode))
      await writeTiming(ctx, trx, user, entries.get(code)!, seconds);
    return Object.keys(secondsByCode).length;
  });
}

/** The recorded talk times of a contest's submitted entries, by code (only those recorded). */
export async function talkTimes(ctx: AppContext, contest: Contest): Promise<Record<string, number>> {
  const entries = await submittedEntrySummaries(ctx, contest.id, { talkSeconds: true });
  return Object.fromEntries(entries.filter((e) => e.talkSeconds !== null).map((e) => [e.code, e.talkSeconds!]));
}

/**
 * An organizer records the public vote (网络投票, PUT /contests/:id/votes) as one whole: the counts
 * by entry code; entries not listed get 0. Refused, writing nothing, when the contest gives the vote
 * no weight, outside judging and review, or when a code is not one of its submitted entries.
 */
export async function recordPublicVotes(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  votesByCode: Record<string, number>,
): Promise<{ votes: Record<string, number> }> {
  const contest = await getContest(ctx, user, contestId);
  if (!(contest.rules.publicVoteWeight > 0)) throw new ConflictError("public_vote_off", "errors.publicVoteOff");
  assertMay(contest, "recordVotes", "errors.publicVoteStage");
  return ctx.db.transaction(async (trx) => {
    const entries = await submittedEntrySummaries({ ...ctx, db: trx }, contest.id, {
      talkSeconds: false,
      publicVotes: true,
    });
    const idOf = new Map(entries.map((e) => [e.code, e.id]));
    assertKnownCodes(Object.keys(votesByCode), idOf);
    await replacePublicVotesInTransaction(
      trx,
      contest.id,
      new Map(Object.entries(votesByCode).map(([code, n]) => [idOf.get(code)!, n])),
    );
    const total = Object.values(votesByCode).reduce((sum, n) => sum + n, 0);
    await recordAudit(trx, ctx.clock, {
      actorId: user.id,
      action: "contest.votes",
      targetType: "contest",
      targetId: contest.id,
      details: { entries: Object.keys(votesByCode).length, total },
    });
    return { votes: Object.fromEntries(entries.map((e) => [e.code, votesByCode[e.code] ?? 0])) };
  });
}

/** The recorded public vote of a contest's submitted entries, by code (0 where none was recorded). */
export async function publicVotes(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
): Promise<{ votes: Record<string, number> }> {
  const contest = await getContest(ctx, user, contestId);
  if (user.role !== "organizer") throw new ForbiddenError();
  const entries = await submittedEntrySummaries(ctx, contest.id, { talkSeconds: false, publicVotes: true });
  return { votes: Object.fromEntries(entries.map((e) => [e.code, e.publicVotes ?? 0])) };
}
