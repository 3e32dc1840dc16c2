import { findUsersByIds, getUser, type SessionUser, type UserRow } from "../accounts/accounts.service.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import { assertMay } from "../contests/lifecycle.js";
import type { EntryRow } from "../entries/entries.service.js";
import { ConflictError, NotFoundError, StageError, ValidationError } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import { assignJudges } from "./assign.js";
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

/** The judge pool of the current round (PUT /contests/:id/judges). */
export async function setPool(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  judgeIds: string[],
): Promise<{ judgeIds: string[] }> {
  const contest = await getContest(ctx, user, contestId);
  assertMay(contest, "assignJudges");
  const judges = await activeJudges(ctx, judgeIds);
  const unknown = judgeIds.filter((id) => !judges.some((j) => j.id === id));
  if (unknown.length > 0)
    throw new ValidationError("errors.notJudges", { ids: unknown }, { judgeIds: unknown }, "not_judges");
  return ctx.db.transaction(async (trx) => {
    const round = await currentRound(ctx, trx, contest);
    await q.replacePool(trx, round.id, judgeIds);
    await recordAudit(trx, ctx.clock, {
      actorId: user.id,
      action: "judging.pool",
      targetType: "contest",
      targetId: contest.id,
      details: { round: round.number, judges: judgeIds.length },
    });
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

export async function panelOf(ctx: AppContext, user: SessionUser, contestId: string): Promise<Panel> {
  const contest = await getContest(ctx, user, contestId);
  const round = await currentRound(ctx, ctx.db, contest);
  const judges = await activeJudges(ctx, await q.poolOf(ctx.db, round.id));
  const declared = new Set(
    (
      await q.declaredConflicts(
        ctx.db,
        judges.map((j) => j.id),
      )
    ).map((c) => `${c.judgeId}|${c.entryId}`),
  );
  const options = { sameCityConflict: contest.rules.sameCityConflict, declared };
  return {
    contest,
    settings: settingsOf(contest, round),
    entries: await roundEntries(ctx, contest, round),
    judges,
    conflict: (entry, judge) => conflictOf(entry, judge, options),
  };
}

function assignmentRow(roundId: string, entryId: string, judgeId: string, now: string): AssignmentRow {
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

/**
 * Assigns the round's entries to its pool (POST /contests/:id/assignments/auto): exactly
 * judgesPerEntry distinct judges each, no conflicts, balanced loads, expertise matched where
 * possible (optimal, src/judging/assign.ts); a final round gives every finalist the whole panel.
 */
export async function autoAssign(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  seed: number | string = 0,
): Promise<{ assignments: number; loads: Record<string, number>; mismatches: number }> {
  const panel = await panelOf(ctx, user, contestId);
  assertMay(panel.contest, "assignJudges");
  const { round } = panel.settings;
  if (round.status !== "open") throw new StageError("errors.roundClosed", { round: round.name });
  if ((await q.countScored(ctx.db, round.id)) > 0)
    throw new ConflictError("assignments_scored", "errors.assignmentsScored");
  if (panel.entries.length === 0) throw new ConflictError("no_entries", "errors.noEntriesToAssign");
  const k = panel.settings.judgesPerEntry;
  let pairs: { entryId: string; judgeId: string }[];
  let mismatches = 0;
  if (k === null) {
    pairs = panel.entries.flatMap((e) =>
      panel.judges.filter((j) => !panel.conflict(e, j)).map((j) => ({ entryId: e.id, judgeId: j.id })),
    );
  } else {
    const result = assignJudges({
      entries: panel.entries.map((e) => ({ id: e.id, theme: e.category })),
      judges: panel.judges.map((j) => ({ id: j.id, expertise: j.expertise })),
      judgesPerEntry: k,
      isConflict: (ei, ji) => panel.conflict(panel.entries[ei], panel.judges[ji]) !== null,
      seed,
    });
    if (!result.ok) {
      const codes = new Map(panel.entries.map((e) => [e.id, e.code]));
      throw new ConflictError(
        "assignment_infeasible",
        result.reason === "too_few_judges" ? "errors.tooFewJudges" : "errors.tooFewEligible",
        { k, judges: panel.judges.length, entries: result.problems.length },
        { reason: result.reason, problems: result.problems.map((p) => ({ ...p, code: codes.get(p.entryId) })) },
      );
    }
    pairs = result.pairs;
    mismatches = result.mismatches;
  }
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction(async (trx) => {
    await q.deleteAssignments(
      trx,
      (await q.assignmentsOfRound(trx, round.id)).map((a) => a.id),
    );
    await q.insertAssignments(
      trx,
      pairs.map((p) => assignmentRow(round.id, p.entryId, p.judgeId, now)),
    );
    await recordAudit(trx, ctx.clock, {
      actorId: user.id,
      action: "judging.auto",
      targetType: "contest",
      targetId: panel.contest.id,
      details: { round: round.number, seed, assignments: pairs.length, mismatches },
    });
  });
  const loads: Record<string, number> = Object.fromEntries(panel.judges.map((j) => [j.id, 0]));
  for (const p of pairs) loads[p.judgeId] = (loads[p.judgeId] ?? 0) + 1;
  return { assignments: pairs.length, loads, mismatches };
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
