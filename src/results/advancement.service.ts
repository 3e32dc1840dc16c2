import type { SessionUser } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import { assertMay } from "../contests/lifecycle.js";
import {
  currentRound,
  finalistsOf,
  openFinalRound,
  roundByNumber,
  settingsOf,
  type Advancement,
  type RoundRow,
} from "../judging/judging.service.js";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../lib/errors.js";
import { advancing, type AdvancementOutcome } from "./advancement.js";
import type { ResultRow } from "./compute.js";
import type { FinalRoundBody } from "./results.schemas.js";
import { computeAndStore, resultsOfRound, roundComputation, type ContestResults } from "./results.service.js";

/** Rounds seen from their results: who advances (the preview is what opening does), each round's results, the finalists list. */

/** `{top}` or `{threshold}` from a body or query carrying exactly one of them. */
export function advancementOf(body: { top?: number; threshold?: number }): Advancement {
  if ((body.top === undefined) === (body.threshold === undefined))
    throw new ValidationError("errors.topOrThreshold", {}, undefined, "validation_failed");
  return body.top !== undefined ? { top: body.top } : { threshold: body.threshold! };
}

export interface AdvancementPreview extends AdvancementOutcome<ResultRow> {
  contest: Contest;
  /** The round the finalists come from (the current one). */
  round: RoundRow;
  rule: Advancement;
  results: ContestResults;
}

/** Who would advance from the current round by this rule, computed exactly as opening the next round computes it. */
export async function previewAdvancement(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  rule: Advancement,
): Promise<AdvancementPreview> {
  const contest = await getContest(ctx, user, contestId);
  assertMay(contest, "openRounds");
  const round = await currentRound(ctx, ctx.db, contest);
  const results = await resultsOfRound(ctx, contest, settingsOf(contest, round));
  return { contest, round, rule, results, ...advancing(results.results, rule) };
}

/**
 * Opens the next round (决赛) with the current round's top N (ties at the cut all advance) or those
 * scoring strictly above a threshold (DESIGN §2: "above"); the current round's results are stored as
 * they stand at its close, so they stay viewable.
 */
export async function advanceToFinal(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  body: FinalRoundBody,
): Promise<RoundRow> {
  const rule = advancementOf(body);
  const contest = await getContest(ctx, user, contestId);
  assertMay(contest, "openRounds");
  return ctx.db.transaction(async (trx) => {
    const results = await computeAndStore(ctx, trx, contest);
    const { finalists } = advancing(results.results, rule);
    if (finalists.length === 0) throw new ConflictError("no_finalists", "errors.noFinalists");
    return openFinalRound(
      { ...ctx, db: trx },
      user,
      contest,
      {
        name: body.name,
        advancement: rule,
        rubric: body.rubric,
        aggregation: body.aggregation,
        judgesPerEntry: body.judgesPerEntry,
      },
      finalists.map((r) => r.entryId),
    );
  });
}

/** One round's results for the organizer: as stored when it was computed or closed, else from its sheets now. */
export async function roundResults(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  number: number,
): Promise<{ contest: Contest; round: RoundRow; results: ContestResults }> {
  const contest = await getContest(ctx, user, contestId);
  if (user.role !== "organizer") throw new ForbiddenError();
  const round = await roundByNumber(ctx, contest, number);
  return { contest, round, results: await roundComputation(ctx, contest, round) };
}

export interface Finalist {
  entryId: string;
  code: string;
  title: string;
  authors: string[];
  unit: string;
}

/**
 * A round's finalists list (初评入围名单): those who advanced to the next round, by entry code, with
 * authors and unit as the public results show winners, the rule they advanced by and the round's
 * rules. Everyone once published; before that organizers only.
 */
export async function finalistsList(
  ctx: AppContext,
  user: SessionUser | null,
  contestId: string,
  number: number,
): Promise<{
  contest: Contest;
  round: RoundRow;
  next: RoundRow;
  finalists: Finalist[];
  results: ContestResults;
}> {
  const contest = await getContest(ctx, user, contestId);
  const { round, next, entries } = await finalistsOf(ctx, contest, number);
  if (!round.finalistsPublishedAt && user?.role !== "organizer")
    throw new NotFoundError("errors.finalistsNotPublished");
  const finalists = entries
    .map((e) => ({ entryId: e.id, code: e.code, title: e.title, authors: e.authors.map((a) => a.name), unit: e.unit }))
    .sort((a, b) => a.code.localeCompare(b.code));
  return { contest, round, next, finalists, results: await roundComputation(ctx, contest, round) };
}
