import type { Knex } from "knex";
import { findUsersByIds, getUser, type SessionUser, type UserRow } from "../accounts/accounts.service.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import { assertMay } from "../contests/lifecycle.js";
import type { EntryRow } from "../entries/entries.service.js";
import { ConflictError, NotFoundError, StageError, ValidationError } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import { conflictOf, type ConflictReason } from "./conflicts.js";
import * as q from "./judging.queries.js";
import type { AssignmentRow, RoundRow } from "./judging.queries.js";
import { settingsOf, type RoundSettings } from "./round-settings.js";
import { currentRound, roundEntries } from "./rounds.service.js";

/** Judge pools and assignments: prepared once entries are in, and adjusted while judging runs. */

/** The active judges among these ids, in their order. */
async function activeJudges(ctx: AppContext, ids: string[]): Promise<UserRow[]> {
  const users = await findUsersByIds(ctx, ids);
  const byId = new Map(users.map((u) => [u.id, u]));
  return ids.map((id) => byId.get(id)).filter((u): u is UserRow => Boolean(u && u.role === "judge" && !u.disabled));
}

/** The active judges of these ids, in their order; any other id is refused (400, naming it). */
export async function checkedJudges(ctx: AppContext, judgeIds: string[]): Promise<UserRow[]> {
  const judges = await activeJudges(ctx, judgeIds);
  const unknown = judgeIds.filter((id) => !judges.some((j) => j.id === id));
  if (unknown.length > 0)
    throw new ValidationError("errors.notJudges", { ids: unknown }, { judgeIds: unknown }, "not_judges");
  return judges;
}

/** A pool change as the audit log tells it: how many before and after, who joined and who left (by id: the log shows current names). */
export interface PoolChange {
  round: number;
  judges: { from: number; to: number };
  added: string[];
  removed: string[];
}

/** Read before the write's transaction: SQLite has one connection, which the transaction holds. */
export async function poolChange(ctx: AppContext, round: RoundRow, judgeIds: string[]): Promise<PoolChange> {
  const before = await q.poolOf(ctx.db, round.id);
  const added = judgeIds.filter((id) => !before.includes(id));
  const removed = before.filter((id) => !judgeIds.includes(id));
  return { round: round.number, judges: { from: before.length, to: judgeIds.length }, added, removed };
}

/** Replaces a round's pool, audited with the change. */
export async function savePool(
  ctx: AppContext,
  trx: Knex,
  actor: SessionUser,
  contest: Contest,
  round: RoundRow,
  judgeIds: string[],
  change: PoolChange,
): Promise<void> {
  await q.replacePool(trx, round.id, judgeIds);
  await recordAudit(trx, ctx.clock, {
    actorId: actor.id,
    action: "judging.pool",
    targetType: "contest",
    targetId: contest.id,
    details: { ...change },
  });
}

/** The judge pool of the current round (PUT /contests/:id/judges). */
export async function setPool(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  judgeIds: string[],
): Promise<{ judgeIds: string[] }> {
  const contest = await getContest(ctx, user, contestId);
  assertMay(contest, "assignJudges");
  await checkedJudges(ctx, judgeIds);
  const round = await currentRound(ctx, ctx.db, contest);
  const change = await poolChange(ctx, round, judgeIds);
  return ctx.db.transaction(async (trx) => {
    await savePool(ctx, trx, user, contest, round, judgeIds, change);
    return { judgeIds };
  });
}

export async function getPool(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
): Promise<{ round: RoundRow; judges: UserRow[] }> {
  const contest = await getContest(ctx, user, contestId);
  const round = await currentRound(ctx, ctx.db, contest);
  return { round, judges: await activeJudges(ctx, await q.poolOf(ctx.db, round.id)) };
}

/** The current round of a contest with its entries, its pool and who may not judge what. */
export interface Panel {
  contest: Contest;
  settings: RoundSettings;
  entries: EntryRow[];
  judges: UserRow[];
  conflict: (entry: EntryRow, judge: UserRow) => ConflictReason | null;
}

/** `poolIds`: a pool about to be saved instead of the round's saved one (checked: active judges only). */
export async function panelOf(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  poolIds?: string[],
): Promise<Panel> {
  const contest = await getContest(ctx, user, contestId);
  const round = await currentRound(ctx, ctx.db, contest);
  const judges = poolIds
    ? await checkedJudges(ctx, poolIds)
    : await activeJudges(ctx, await q.poolOf(ctx.db, round.id));
  const options = await conflictOptions(ctx.db, contest, judges);
  return {
    contest,
    settings: settingsOf(contest, round),
    entries: await roundEntries(ctx, contest, round),
    judges,
    conflict: (entry, judge) => conflictOf(entry, judge, options),
  };
}

/** What conflictOf needs to judge these judges against a contest's entries: its same-city rule and their declared conflicts. */
export async function conflictOptions(
  db: Knex,
  contest: Contest,
  judges: readonly { id: string }[],
): Promise<{ sameCityConflict: boolean; declared: Set<string> }> {
  const declared = await q.declaredConflicts(
    db,
    judges.map((j) => j.id),
  );
  return {
    sameCityConflict: contest.rules.sameCityConflict,
    declared: new Set(declared.map((c) => `${c.judgeId}|${c.entryId}`)),
  };
}

export function assignmentRow(roundId: string, entryId: string, judgeId: string, now: string): AssignmentRow {
  return {
    id: newId(),
    roundId,
    entryId,
    judgeId,
    status: "assigned",
    scores: null,
    deductions: null,
    comment: null,
    total: null,
    createdAt: now,
    updatedAt: now,
    submittedAt: null,
  };
}

export interface AssignmentJson {
  id: string;
  entryId: string;
  judgeId: string;
  status: AssignmentRow["status"];
  roundId: string;
  total: number | null;
}

function assignmentJson(a: AssignmentRow): AssignmentJson {
  return { id: a.id, entryId: a.entryId, judgeId: a.judgeId, status: a.status, roundId: a.roundId, total: a.total };
}

/** Every assignment of the contest's current round, for organizers. */
export async function listAssignments(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
): Promise<AssignmentJson[]> {
  const contest = await getContest(ctx, user, contestId);
  const round = await currentRound(ctx, ctx.db, contest);
  return (await q.assignmentsOfRound(ctx.db, round.id)).map(assignmentJson);
}

function assertNoConflict(panel: Panel, entryId: string, judgeId: string): void {
  const entry = panel.entries.find((e) => e.id === entryId);
  if (!entry) throw new NotFoundError("errors.entryNotInRound");
  const judge = panel.judges.find((j) => j.id === judgeId);
  if (!judge) throw new ConflictError("judge_not_in_pool", "errors.judgeNotInPool");
  const reason = panel.conflict(entry, judge);
  if (reason) throw new ConflictError("conflict_of_interest", "errors.conflictOfInterest", { reason }, { reason });
}

/** An organizer adds one assignment by hand; a conflicting or duplicate one is refused. */
export async function addAssignment(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  entryId: string,
  judgeId: string,
): Promise<AssignmentJson> {
  const panel = await panelOf(ctx, user, contestId);
  assertMay(panel.contest, "assignJudges");
  assertNoConflict(panel, entryId, judgeId);
  const { round } = panel.settings;
  return ctx.db.transaction(async (trx) => {
    if ((await q.assignmentsOfRound(trx, round.id)).some((a) => a.entryId === entryId && a.judgeId === judgeId))
      throw new ConflictError("already_assigned", "errors.alreadyAssigned");
    const row = assignmentRow(round.id, entryId, judgeId, ctx.clock.now().toISOString());
    await q.insertAssignments(trx, [row]);
    await recordAudit(trx, ctx.clock, {
      actorId: user.id,
      action: "judging.add",
      targetType: "entry",
      targetId: entryId,
      details: { judgeId },
    });
    return assignmentJson(row);
  });
}

async function loadAssignment(
  ctx: AppContext,
  user: SessionUser,
  assignmentId: string,
): Promise<{ assignment: AssignmentRow; panel: Panel }> {
  const assignment = await q.findAssignment(ctx.db, assignmentId);
  if (!assignment) throw new NotFoundError("errors.assignmentNotFound");
  const round = await q.findRound(ctx.db, assignment.roundId);
  const panel = await panelOf(ctx, user, round!.contestId);
  if (panel.settings.round.id !== assignment.roundId)
    throw new StageError("errors.roundClosed", { round: round!.name });
  assertMay(panel.contest, "assignJudges");
  return { assignment, panel };
}

/** Removes an assignment that has no submitted sheet. */
export async function removeAssignment(ctx: AppContext, user: SessionUser, assignmentId: string): Promise<void> {
  const { assignment } = await loadAssignment(ctx, user, assignmentId);
  if (assignment.status === "submitted") throw new ConflictError("assignment_scored", "errors.assignmentScored");
  await ctx.db.transaction(async (trx) => {
    await q.deleteAssignments(trx, [assignment.id]);
    await recordAudit(trx, ctx.clock, {
      actorId: user.id,
      action: "judging.remove",
      targetType: "entry",
      targetId: assignment.entryId,
      details: { judgeId: assignment.judgeId },
    });
  });
}

/** Gives an unsubmitted assignment to another judge of the pool; a conflicting swap is refused. */
export async function swapAssignment(
  ctx: AppContext,
  user: SessionUser,
  assignmentId: string,
  judgeId: string,
): Promise<AssignmentJson> {
  const { assignment, panel } = await loadAssignment(ctx, user, assignmentId);
  if (assignment.status === "submitted") throw new ConflictError("assignment_scored", "errors.assignmentScored");
  assertNoConflict(panel, assignment.entryId, judgeId);
  return ctx.db.transaction(async (trx) => {
    if (
      (await q.assignmentsOfRound(trx, assignment.roundId)).some(
        (a) => a.entryId === assignment.entryId && a.judgeId === judgeId,
      )
    )
      throw new ConflictError("already_assigned", "errors.alreadyAssigned");
    const now = ctx.clock.now().toISOString();
    await q.deleteAssignments(trx, [assignment.id]);
    const row = assignmentRow(assignment.roundId, assignment.entryId, judgeId, now);
    await q.insertAssignments(trx, [row]);
    await recordAudit(trx, ctx.clock, {
      actorId: user.id,
      action: "judging.swap",
      targetType: "entry",
      targetId: assignment.entryId,
      details: { from: assignment.judgeId, to: judgeId },
    });
    return assignmentJson(row);
  });
}

/**
 * Hands unsubmitted assignments of `leavingJudgeId` on, one by one, each to the least-loaded judge of
 * the pool who has no conflict with the entry and does not already have it (ties by id, so the same
 * state gives the same result). Answers the new rows and the entries that found nobody.
 */
export function reassignToLeastLoaded(
  panel: Panel,
  all: AssignmentRow[],
  leaving: AssignmentRow[],
  leavingJudgeId: string,
  now: string,
): { fresh: AssignmentRow[]; unplaced: string[] } {
  const load = new Map(panel.judges.map((j) => [j.id, 0]));
  for (const a of all) if (a.judgeId !== leavingJudgeId) load.set(a.judgeId, (load.get(a.judgeId) ?? 0) + 1);
  const fresh: AssignmentRow[] = [];
  const unplaced: string[] = [];
  for (const a of leaving) {
    const entry = panel.entries.find((e) => e.id === a.entryId);
    const taken = new Set([...all, ...fresh].filter((x) => x.entryId === a.entryId).map((x) => x.judgeId));
    const candidates = panel.judges
      .filter((j) => j.id !== leavingJudgeId && !taken.has(j.id) && entry && !panel.conflict(entry, j))
      .sort((x, y) => load.get(x.id)! - load.get(y.id)! || x.id.localeCompare(y.id));
    const next = candidates[0];
    if (!next) {
      unplaced.push(a.entryId);
      continue;
    }
    load.set(next.id, load.get(next.id)! + 1);
    fresh.push(assignmentRow(a.roundId, a.entryId, next.id, now));
  }
  return { fresh, unplaced };
}

/**
 * A judge drops out: his unsubmitted work goes to the least-loaded judges of the pool who have no
 * conflict and do not already have the entry. Answers how many moved and any that found nobody.
 */
export async function reassignJudge(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  judgeId: string,
): Promise<{ moved: number; unplaced: string[] }> {
  // An id that names no user is a wrong address (404), not a judge with nothing to hand on: refused before anything is written.
  await getUser(ctx, judgeId);
  const panel = await panelOf(ctx, user, contestId);
  assertMay(panel.contest, "assignJudges");
  const { round } = panel.settings;
  return ctx.db.transaction(async (trx) => {
    const all = await q.assignmentsOfRound(trx, round.id);
    const leaving = all.filter((a) => a.judgeId === judgeId && a.status !== "submitted");
    const { fresh, unplaced } = reassignToLeastLoaded(panel, all, leaving, judgeId, ctx.clock.now().toISOString());
    await q.deleteAssignments(
      trx,
      leaving.filter((a) => !unplaced.includes(a.entryId)).map((a) => a.id),
    );
    await q.insertAssignments(trx, fresh);
    await recordAudit(trx, ctx.clock, {
      actorId: user.id,
      action: "judging.reassign",
      targetType: "contest",
      targetId: contestId,
      details: { judgeId, moved: fresh.length, unplaced },
    });
    return { moved: fresh.length, unplaced };
  });
}
