import type { Knex } from "knex";
import type { SessionUser } from "../accounts/accounts.service.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import type { Contest } from "../contests/contests.service.js";
import { assertMay } from "../contests/lifecycle.js";
import type { Rubric } from "../contests/rubric.js";
import {
  judgeableEntries,
  rankableEntrySummaries,
  submittedEntries,
  submittedSafeEntrySummaries,
  type EntryRow,
  type EntrySummary,
} from "../entries/entries.service.js";
import { ConflictError, NotFoundError } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import * as q from "./judging.queries.js";
import type { RoundRow } from "./judging.queries.js";
import { settingsOf, type Advancement, type RoundSettings } from "./round-settings.js";
import { FIRST_ROUND_NAME } from "./round-names.js";

/** Rounds: the first (初评) and any final round (决赛), the entries each judges and ranks, and the contest as its current round shows it. */

/** The round being judged: the last one; round 1 (初评) comes into being when first needed. */
export async function currentRound(ctx: AppContext, db: Knex, contest: Contest): Promise<RoundRow> {
  const rounds = await q.roundsOf(db, contest.id);
  if (rounds.length > 0) return rounds[rounds.length - 1];
  const first: RoundRow = {
    id: newId(),
    contestId: contest.id,
    number: 1,
    name: FIRST_ROUND_NAME,
    rubric: null,
    aggregation: null,
    judgesPerEntry: null,
    status: "open",
    createdAt: ctx.clock.now().toISOString(),
    advancement: null,
    finalistsPublishedAt: null,
  };
  await q.insertRound(db, first).catch(async (err: unknown) => {
    // Another request created it first.
    if ((await q.roundsOf(db, contest.id)).length === 0) throw err;
  });
  return (await q.roundsOf(db, contest.id))[0];
}

/** The entries a round judges: round 1 takes what passed recommendation and review; later rounds their finalists. */
export async function roundEntries(ctx: AppContext, contest: Contest, round: RoundRow): Promise<EntryRow[]> {
  if (round.number === 1) return judgeableEntries(ctx, contest);
  const ids = new Set(await q.roundEntryIds(ctx.db, round.id));
  return (await submittedEntries(ctx, contest.id)).filter((e) => ids.has(e.id));
}

/**
 * The entries of the round that may be ranked (roundEntries less those failing the safety gate),
 * as lean summaries in the same order, with the talk time where the contest has time rules and the
 * public votes where the vote has a weight: what computing the round's results reads.
 */
export async function rankableRoundEntries(
  ctx: AppContext,
  contest: Contest,
  round: RoundRow,
): Promise<EntrySummary[]> {
  const options = { talkSeconds: contest.rules.timeRules != null, publicVotes: contest.rules.publicVoteWeight > 0 };
  if (round.number === 1) return rankableEntrySummaries(ctx, contest, options);
  const ids = new Set(await q.roundEntryIds(ctx.db, round.id));
  return (await submittedSafeEntrySummaries(ctx, contest, options)).filter((e) => ids.has(e.id));
}

/** What an organizer chooses for a new round: its name and how entries advanced, and optionally its own rubric, aggregation and judges per entry. */
export interface NewRoundSettings {
  name: string;
  advancement: Advancement;
  rubric?: Rubric;
  aggregation?: Contest["aggregation"];
  /** Absent: the whole panel scores every finalist. */
  judgesPerEntry?: number;
}

/**
 * Opens a further round (决赛/终评) for the given finalists: the previous round closes, the new one
 * has its own rubric (the previous round's unless given), aggregation and judges per entry.
 */
export async function openFinalRound(
  ctx: AppContext,
  user: SessionUser,
  contest: Contest,
  settings: NewRoundSettings,
  finalistIds: string[],
): Promise<RoundRow> {
  assertMay(contest, "openRounds");
  return ctx.db.transaction(async (trx) => {
    const previous = await currentRound(ctx, trx, contest);
    const inherited = settingsOf(contest, previous);
    const round: RoundRow = {
      id: newId(),
      contestId: contest.id,
      number: previous.number + 1,
      name: settings.name,
      rubric: settings.rubric ?? inherited.rubric,
      aggregation: settings.aggregation ?? inherited.aggregation,
      judgesPerEntry: settings.judgesPerEntry ?? null,
      status: "open",
      createdAt: ctx.clock.now().toISOString(),
      advancement: settings.advancement,
      finalistsPublishedAt: null,
    };
    await q.setRoundStatus(trx, previous.id, "closed");
    await q.insertRound(trx, round);
    await q.insertRoundEntries(trx, round.id, finalistIds);
    await recordAudit(trx, ctx.clock, {
      actorId: user.id,
      action: "judging.round",
      targetType: "contest",
      targetId: contest.id,
      details: {
        round: round.number,
        name: round.name,
        ...settings.advancement,
        finalists: finalistIds.length,
        // Before → after: the new round's settings against the round it follows.
        criteria: { from: criteriaText(inherited.rubric), to: criteriaText(round.rubric!) },
        aggregation: { from: inherited.aggregation, to: round.aggregation },
        judgesPerEntry: { from: inherited.judgesPerEntry, to: round.judgesPerEntry },
      },
    });
    return round;
  });
}

const criteriaText = (rubric: Rubric) => rubric.criteria.map((c) => `${c.label} ${c.max}`).join(" · ");

/** A round of the contest by its number (1 = 初评), or 404. */
export async function roundByNumber(ctx: AppContext, contest: Contest, number: number): Promise<RoundRow> {
  await currentRound(ctx, ctx.db, contest);
  const round = (await q.roundsOf(ctx.db, contest.id)).find((r) => r.number === number);
  if (!round) throw new NotFoundError("errors.roundNotFound", { number });
  return round;
}

/**
 * The entries that advanced from round `number` to the next, with the rule they advanced by: the
 * finalists list (初评入围名单). 404 while no later round exists.
 */
export async function finalistsOf(
  ctx: AppContext,
  contest: Contest,
  number: number,
): Promise<{ round: RoundRow; next: RoundRow; entries: EntryRow[] }> {
  const round = await roundByNumber(ctx, contest, number);
  const next = (await q.roundsOf(ctx.db, contest.id)).find((r) => r.number === number + 1);
  if (!next) throw new NotFoundError("errors.noFinalistsYet", { number });
  return { round, next, entries: await roundEntries(ctx, contest, next) };
}

/** The organizer publishes a round's finalists list on its own, before the contest's results (audited; it stays published). */
export async function publishFinalists(
  ctx: AppContext,
  user: SessionUser,
  contest: Contest,
  number: number,
): Promise<RoundRow> {
  assertMay(contest, "publishFinalists");
  const { round, entries } = await finalistsOf(ctx, contest, number);
  if (round.finalistsPublishedAt) throw new ConflictError("finalists_published", "errors.finalistsPublished");
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction(async (trx) => {
    await q.setFinalistsPublished(trx, round.id, at);
    await recordAudit(trx, ctx.clock, {
      actorId: user.id,
      action: "judging.finalistsPublished",
      targetType: "contest",
      targetId: contest.id,
      details: { round: round.number, finalists: entries.length, published: { from: false, to: true } },
    });
  });
  return { ...round, finalistsPublishedAt: at };
}

/** The rounds of a contest whose finalists list is published (for links to it). */
export async function publishedFinalistLists(
  ctx: AppContext,
  contestId: string,
): Promise<{ number: number; name: string }[]> {
  return (await q.roundsOf(ctx.db, contestId))
    .filter((r) => r.finalistsPublishedAt !== null)
    .map((r) => ({ number: r.number, name: r.name }));
}

export async function listRounds(
  ctx: AppContext,
  contest: Contest,
): Promise<(RoundSettings & { entries: number; judges: number })[]> {
  await currentRound(ctx, ctx.db, contest);
  const rounds = await q.roundsOf(ctx.db, contest.id);
  return Promise.all(
    rounds.map(async (round) => ({
      ...settingsOf(contest, round),
      entries: (await roundEntries(ctx, contest, round)).length,
      judges: (await q.poolOf(ctx.db, round.id)).length,
    })),
  );
}

/** The contest as clients see it: its rubric and aggregation are the current round's (DESIGN §4). */
export async function withCurrentRound(ctx: AppContext, contest: Contest): Promise<Contest> {
  return (await withCurrentRounds(ctx, [contest]))[0];
}

/** Contests as the API shows them: `rubric` and `aggregation` are the current round's (DESIGN §4). */
export async function withCurrentRounds(ctx: AppContext, contests: Contest[]): Promise<Contest[]> {
  const later = await q.laterRoundsOf(
    ctx.db,
    contests.map((c) => c.id),
  );
  return contests.map((contest) => {
    const last = later.get(contest.id);
    if (!last) return contest;
    const settings = settingsOf(contest, last);
    return { ...contest, rubric: settings.rubric, aggregation: settings.aggregation };
  });
}
