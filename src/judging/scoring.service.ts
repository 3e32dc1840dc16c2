import type { SessionUser } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import { allows, assertMay } from "../contests/lifecycle.js";
import type { Rubric } from "../contests/rubric.js";
import { groupCommit, type Outcome } from "../db/group-commit.js";
import { ConflictError, ForbiddenError, NotFoundError, StageError } from "../lib/errors.js";
import * as q from "./judging.queries.js";
import * as sq from "./scoring.queries.js";
import { submittedSheetsOfRound } from "./sheets.queries.js";
import type { AssignmentRow, RoundRow } from "./judging.queries.js";
import { settingsOf } from "./round-settings.js";
import { checkScoreSheet } from "./score-sheet.js";

/**
 * The judges' work: their queue, their score sheets and the sheets' history. This file reads no
 * other domain's entries, so the entries domain may ask it whether a judge has an entry.
 */

/** Whether a judge has this entry in any of his rounds: the one way judges reach an entry. */
export async function isAssignedJudge(ctx: AppContext, entryId: string, judgeId: string): Promise<boolean> {
  return q.isAssigned(ctx.db, entryId, judgeId);
}

export interface QueueItem {
  id: string;
  entryId: string;
  code: string;
  title: string;
  category: string;
  status: AssignmentRow["status"];
  contestId: string;
  roundName: string;
  roundOpen: boolean;
  total: number | null;
  /** Ordered by an upheld objection: scored during the notice (DESIGN §3). */
  rescore: boolean;
}

/** A judge's queue: entry codes and titles, never who made them (GET /me/assignments). */
export async function judgeQueue(ctx: AppContext, user: SessionUser): Promise<QueueItem[]> {
  if (user.role !== "judge") throw new ForbiddenError();
  return (await q.judgeQueue(ctx.db, user.id)).map(({ roundStatus, ...line }) => ({
    ...line,
    roundOpen: roundStatus === "open",
  }));
}

export interface SheetJson {
  id: string;
  entryId: string;
  status: AssignmentRow["status"];
  scores: Record<string, number>;
  deductions: Record<string, number>;
  comment: string;
  total: number | null;
  submittedAt: string | null;
}

function sheetJson(a: AssignmentRow): SheetJson {
  return {
    id: a.id,
    entryId: a.entryId,
    status: a.status,
    scores: a.scores ?? {},
    deductions: a.deductions ?? {},
    comment: a.comment ?? "",
    total: a.total,
    submittedAt: a.submittedAt,
  };
}

/** The judge's own assignment with the rubric he scores it by. */
export async function judgeSheet(
  ctx: AppContext,
  user: SessionUser,
  assignmentId: string,
): Promise<{
  sheet: SheetJson;
  rubric: Rubric;
  contest: Contest;
  round: RoundRow;
  declared: boolean;
  /** Whether he may fill it now: while judging in an open round, or as an objection's re-scoring in the notice until submitted. */
  scoring: boolean;
  rescoring: boolean;
}> {
  const assignment = await q.findAssignment(ctx.db, assignmentId);
  if (!assignment) throw new NotFoundError("errors.assignmentNotFound");
  if (assignment.judgeId !== user.id) throw new ForbiddenError("errors.notYourAssignment", "not_your_assignment");
  const round = (await q.findRound(ctx.db, assignment.roundId))!;
  const contest = await getContest(ctx, user, round.contestId);
  const rescoring = allows(contest.stage, "rescoreEntries") && (await q.isRescore(ctx.db, assignment.id));
  return {
    sheet: sheetJson(assignment),
    rubric: settingsOf(contest, round).rubric,
    contest,
    round,
    declared: await q.hasDeclared(ctx.db, contest.id, user.id),
    scoring: mayScore(contest, round, assignment, rescoring),
    rescoring,
  };
}

/** Whether the sheet may be filled now: while judging in an open round, or as an objection's re-scoring in the notice until submitted. */
function mayScore(contest: Contest, round: RoundRow, assignment: AssignmentRow, rescoring: boolean): boolean {
  return rescoring
    ? assignment.status !== "submitted"
    : allows(contest.stage, "scoreEntries") && round.status === "open";
}

/**
 * A judge saves a draft or submits his sheet (PUT /assignments/:id/score). Refused for another
 * judge's assignment, before the declaration, outside judging or in a closed round (except an
 * objection's re-scoring in the notice, until submitted); every save is kept in the score history.
 * Answered once the save is committed.
 */
export async function saveScore(
  ctx: AppContext,
  user: SessionUser,
  assignmentId: string,
  body: unknown,
): Promise<SheetJson> {
  return saveTogether(ctx.db, { ctx, user, assignmentId, body });
}

interface SaveRequest {
  ctx: AppContext;
  user: SessionUser;
  assignmentId: string;
  body: unknown;
}

/**
 * Saves made at the same time share one transaction and one commit (src/db/group-commit.ts): a save
 * cost a commit (an fsync on SQLite) and ten queries one after another on SQLite's one connection;
 * now a batch reads each kind of row once for all its saves, checks each save on its own in the order
 * they came (a save sees the ones before it), and writes those that passed in one UPDATE and one INSERT.
 */
const saveTogether = groupCommit<SaveRequest, SheetJson>(async (trx, saves) => {
  const found = await sq.assignmentsToScore(trx, [...new Set(saves.map((s) => s.assignmentId))]);
  const rounds = await sq.roundsById(trx, [...new Set([...found.values()].map((f) => f.assignment.roundId))]);
  const declared = await sq.acceptedDeclarations(
    trx,
    [...new Set([...rounds.values()].map((r) => r.contestId))],
    [...new Set(saves.map((s) => s.user.id))],
  );
  // What a contest looks like depends only on who asks by role (canSee), so one read per role serves the batch.
  const contests = new Map<string, Promise<Contest>>();
  const contestFor = (save: SaveRequest, contestId: string): Promise<Contest> => {
    const key = `${contestId} ${save.user.role}`;
    let contest = contests.get(key);
    if (!contest) contests.set(key, (contest = getContest({ ...save.ctx, db: trx }, save.user, contestId)));
    return contest;
  };
  const written = new Map<string, AssignmentRow>();
  const history: sq.ScoreHistoryRecord[] = [];
  const outcomes: Outcome<SheetJson>[] = [];
  for (const save of saves) {
    try {
      const stored = found.get(save.assignmentId);
      if (!stored) throw new NotFoundError("errors.assignmentNotFound");
      const assignment = written.get(save.assignmentId) ?? stored.assignment;
      if (assignment.judgeId !== save.user.id)
        throw new ForbiddenError("errors.notYourAssignment", "not_your_assignment");
      const round = rounds.get(assignment.roundId)!;
      const contest = await contestFor(save, round.contestId);
      const rescoring = allows(contest.stage, "rescoreEntries") && stored.rescore;
      if (!mayScore(contest, round, assignment, rescoring)) {
        // A re-scoring sheet is locked once submitted: the organizer republishes from it.
        if (rescoring) throw new ConflictError("rescore_locked", "errors.rescoreLocked");
        assertMay(contest, "scoreEntries");
        throw new StageError("errors.scoringClosed", { stage: contest.stage });
      }
      if (!declared.has(sq.declarationKey(contest.id, save.user.id)))
        throw new ForbiddenError("errors.declarationRequired", "declaration_required");
      const { sheet, total } = checkScoreSheet(settingsOf(contest, round).rubric, save.body);
      const now = save.ctx.clock.now().toISOString();
      const next: AssignmentRow = {
        ...assignment,
        status: sheet.submit ? "submitted" : "draft",
        scores: sheet.scores,
        deductions: sheet.deductions ?? {},
        comment: sheet.comment ?? "",
        total,
        updatedAt: now,
        submittedAt: sheet.submit ? now : null,
      };
      const before = sheetJson(assignment);
      history.push({
        assignmentId: assignment.id,
        judgeId: save.user.id,
        at: now,
        before:
          before.status === "assigned"
            ? null
            : { status: before.status, scores: before.scores, deductions: before.deductions, total: before.total },
        after: { status: next.status, scores: next.scores, deductions: next.deductions, total: next.total },
      });
      written.set(assignment.id, next);
      outcomes.push({ ok: true, value: sheetJson(next) });
    } catch (error) {
      outcomes.push({ ok: false, error });
    }
  }
  await sq.saveSheets(trx, [...written.values()]);
  await sq.insertScoreHistory(trx, history);
  return outcomes;
});

/** The submitted sheets of a round, for computing its results, in (entry, judge) order; `criterionKeys` are the round rubric's. */
export async function submittedSheets(
  ctx: AppContext,
  roundId: string,
  criterionKeys: readonly string[],
): Promise<{ entryId: string; judgeId: string; total: number; scores: Record<string, number> }[]> {
  return submittedSheetsOfRound(ctx.db, roundId, criterionKeys);
}

/**
 * The submitted sheets of a round as the published snapshot shows them (DESIGN §4 "Published
 * results and verification"): each judge as 评委1…n, numbered per contest in the order of his first
 * assignment, so the number stays the same across entries, rounds and later snapshots. Never an id
 * or a name; comments are not published.
 */
export async function publishedSheets(
  ctx: AppContext,
  contestId: string,
  roundId: string,
): Promise<
  {
    entryId: string;
    judge: string;
    scores: Record<string, number>;
    deductions: Record<string, number>;
    total: number;
  }[]
> {
  const order = await q.judgesInAssignmentOrder(ctx.db, contestId);
  const number = new Map(order.map((id, i) => [id, i + 1]));
  const sheets = await q.publishedSheetsOfRound(ctx.db, roundId);
  return sheets
    .map((s) => ({ s, n: number.get(s.judgeId)! }))
    .sort((a, b) => (a.s.entryId < b.s.entryId ? -1 : a.s.entryId > b.s.entryId ? 1 : a.n - b.n))
    .map(({ s, n }) => ({
      entryId: s.entryId,
      judge: `评委${n}`,
      scores: s.scores,
      deductions: s.deductions,
      total: s.total,
    }));
}
