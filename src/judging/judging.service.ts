import type { Knex } from "knex";
import { getUser, type SessionUser } from "../accounts/accounts.service.js";
import { findUsersByIds, type UserRow } from "../accounts/accounts.queries.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import type { Rubric } from "../contests/rubric.js";
import { getEntry, judgeableEntries, rankableEntrySummaries, submittedSafeEntrySummaries } from "../entries/entries.service.js";
import { listEntries as listEntryRows, type EntryRow, type EntrySummary } from "../entries/entries.queries.js";
import { ConflictError, ForbiddenError, NotFoundError, StageError, ValidationError } from "../lib/errors.js";
import { groupBy } from "../lib/collections.js";
import { newId } from "../lib/ids.js";
import { assignJudges } from "./assign.js";
import { conflictOf, type ConflictReason } from "./conflicts.js";
import * as q from "./judging.queries.js";
import type { AssignmentRow, RoundRow } from "./judging.queries.js";
import { checkScoreSheet } from "./score-sheet.js";

/** Pools and assignments are prepared once entries are in, and adjusted while judging runs. */
export const ASSIGNING_STAGES: readonly string[] = ["open", "closed", "judging"];

export interface RoundSettings {
  round: RoundRow;
  rubric: Rubric;
  aggregation: Contest["aggregation"];
  /** Null for a final round: the whole panel scores every finalist. */
  judgesPerEntry: number | null;
}

export function settingsOf(contest: Contest, round: RoundRow): RoundSettings {
  return {
    round,
    rubric: round.rubric ?? contest.rubric,
    aggregation: round.aggregation ?? contest.aggregation,
    judgesPerEntry: round.number === 1 ? (round.judgesPerEntry ?? contest.judgesPerEntry) : round.judgesPerEntry,
  };
}

/** The round being judged: the last one; round 1 (初评) comes into being when first needed. */
export async function currentRound(ctx: AppContext, db: Knex, contest: Contest): Promise<RoundRow> {
  const rounds = await q.roundsOf(db, contest.id);
  if (rounds.length > 0) return rounds[rounds.length - 1]!;
  const first: RoundRow = { id: newId(), contestId: contest.id, number: 1, name: "初评", rubric: null, aggregation: null, judgesPerEntry: null, status: "open", createdAt: ctx.clock.now().toISOString() };
  await q.insertRound(db, first).catch(async (err: unknown) => {
    // Another request created it first.
    if ((await q.roundsOf(db, contest.id)).length === 0) throw err;
  });
  return (await q.roundsOf(db, contest.id))[0]!;
}

function assertAssigningStage(contest: Contest): void {
  if (!ASSIGNING_STAGES.includes(contest.stage)) throw new StageError("errors.assigningClosed", { stage: contest.stage });
}

/** The entries a round judges: round 1 takes what passed recommendation and review; later rounds their finalists. */
async function entriesOfRound(ctx: AppContext, contest: Contest, round: RoundRow): Promise<EntryRow[]> {
  if (round.number === 1) return judgeableEntries(ctx, contest);
  const ids = new Set(await q.roundEntryIds(ctx.db, round.id));
  return (await listEntryRows(ctx.db, { contestId: contest.id, status: "submitted" })).filter((e) => ids.has(e.id));
}

async function activeJudges(ctx: AppContext, ids: string[]): Promise<UserRow[]> {
  const users = await findUsersByIds(ctx.db, ids);
  const byId = new Map(users.map((u) => [u.id, u]));
  return ids.map((id) => byId.get(id)).filter((u): u is UserRow => Boolean(u && u.role === "judge" && !u.disabled));
}

/** The judge pool of the current round (PUT /contests/:id/judges). */
export async function setPool(ctx: AppContext, user: SessionUser, contestId: string, judgeIds: string[]): Promise<{ judgeIds: string[] }> {
  const contest = await getContest(ctx, user, contestId);
  assertAssigningStage(contest);
  const judges = await activeJudges(ctx, judgeIds);
  const unknown = judgeIds.filter((id) => !judges.some((j) => j.id === id));
  if (unknown.length > 0) throw new ValidationError("errors.notJudges", { ids: unknown.join(", ") }, { judgeIds: unknown }, "not_judges");
  return ctx.db.transaction(async (trx) => {
    const round = await currentRound(ctx, trx, contest);
    await q.replacePool(trx, round.id, judgeIds);
    await recordAudit(trx, ctx.clock, { actorId: user.id, action: "judging.pool", targetType: "contest", targetId: contest.id, details: { round: round.number, judges: judgeIds.length } });
    return { judgeIds };
  });
}

export async function getPool(ctx: AppContext, user: SessionUser, contestId: string): Promise<{ round: RoundRow; judges: UserRow[] }> {
  const contest = await getContest(ctx, user, contestId);
  const round = await currentRound(ctx, ctx.db, contest);
  return { round, judges: await activeJudges(ctx, await q.poolOf(ctx.db, round.id)) };
}

interface Panel {
  contest: Contest;
  settings: RoundSettings;
  entries: EntryRow[];
  judges: UserRow[];
  conflict: (entry: EntryRow, judge: UserRow) => ConflictReason | null;
}

async function panelOf(ctx: AppContext, user: SessionUser, contestId: string): Promise<Panel> {
  const contest = await getContest(ctx, user, contestId);
  const round = await currentRound(ctx, ctx.db, contest);
  const judges = await activeJudges(ctx, await q.poolOf(ctx.db, round.id));
  const declared = new Set((await q.declaredConflicts(ctx.db, judges.map((j) => j.id))).map((c) => `${c.judgeId}|${c.entryId}`));
  const options = { sameCityConflict: contest.rules.sameCityConflict, declared };
  return { contest, settings: settingsOf(contest, round), entries: await entriesOfRound(ctx, contest, round), judges, conflict: (entry, judge) => conflictOf(entry, judge, options) };
}

function assignmentRow(roundId: string, entryId: string, judgeId: string, now: string): AssignmentRow {
  return { id: newId(), roundId, entryId, judgeId, status: "assigned", scores: null, deductions: null, comment: null, total: null, createdAt: now, updatedAt: now, submittedAt: null };
}

/**
 * Assigns the round's entries to its pool (POST /contests/:id/assignments/auto): exactly
 * judgesPerEntry distinct judges each, no conflicts, balanced loads, expertise matched where
 * possible (optimal, src/judging/assign.ts); a final round gives every finalist the whole panel.
 */
export async function autoAssign(ctx: AppContext, user: SessionUser, contestId: string, seed: number | string = 0): Promise<{ assignments: number; loads: Record<string, number>; mismatches: number }> {
  const panel = await panelOf(ctx, user, contestId);
  assertAssigningStage(panel.contest);
  const { round } = panel.settings;
  if (round.status !== "open") throw new StageError("errors.roundClosed", { round: round.name });
  if ((await q.countScored(ctx.db, round.id)) > 0) throw new ConflictError("assignments_scored", "errors.assignmentsScored");
  if (panel.entries.length === 0) throw new ConflictError("no_entries", "errors.noEntriesToAssign");
  const k = panel.settings.judgesPerEntry;
  let pairs: { entryId: string; judgeId: string }[];
  let mismatches = 0;
  if (k === null) {
    pairs = panel.entries.flatMap((e) => panel.judges.filter((j) => !panel.conflict(e, j)).map((j) => ({ entryId: e.id, judgeId: j.id })));
  } else {
    const result = assignJudges({
      entries: panel.entries.map((e) => ({ id: e.id, theme: e.category })),
      judges: panel.judges.map((j) => ({ id: j.id, expertise: j.expertise })),
      judgesPerEntry: k,
      isConflict: (ei, ji) => panel.conflict(panel.entries[ei]!, panel.judges[ji]!) !== null,
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
    await q.deleteAssignments(trx, (await q.assignmentsOfRound(trx, round.id)).map((a) => a.id));
    await q.insertAssignments(trx, pairs.map((p) => assignmentRow(round.id, p.entryId, p.judgeId, now)));
    await recordAudit(trx, ctx.clock, { actorId: user.id, action: "judging.auto", targetType: "contest", targetId: panel.contest.id, details: { round: round.number, seed, assignments: pairs.length, mismatches } });
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
export async function listAssignments(ctx: AppContext, user: SessionUser, contestId: string): Promise<AssignmentJson[]> {
  const contest = await getContest(ctx, user, contestId);
  const round = await currentRound(ctx, ctx.db, contest);
  return (await q.assignmentsOfRound(ctx.db, round.id)).map(assignmentJson);
}

async function assertNoConflict(panel: Panel, entryId: string, judgeId: string): Promise<void> {
  const entry = panel.entries.find((e) => e.id === entryId);
  if (!entry) throw new NotFoundError("errors.entryNotInRound");
  const judge = panel.judges.find((j) => j.id === judgeId);
  if (!judge) throw new ConflictError("judge_not_in_pool", "errors.judgeNotInPool");
  const reason = panel.conflict(entry, judge);
  if (reason) throw new ConflictError("conflict_of_interest", "errors.conflictOfInterest", { reason }, { reason });
}

/** An organizer adds one assignment by hand; a conflicting or duplicate one is refused. */
export async function addAssignment(ctx: AppContext, user: SessionUser, contestId: string, entryId: string, judgeId: string): Promise<AssignmentJson> {
  const panel = await panelOf(ctx, user, contestId);
  assertAssigningStage(panel.contest);
  await assertNoConflict(panel, entryId, judgeId);
  const { round } = panel.settings;
  return ctx.db.transaction(async (trx) => {
    if ((await q.assignmentsOfRound(trx, round.id)).some((a) => a.entryId === entryId && a.judgeId === judgeId)) throw new ConflictError("already_assigned", "errors.alreadyAssigned");
    const row = assignmentRow(round.id, entryId, judgeId, ctx.clock.now().toISOString());
    await q.insertAssignments(trx, [row]);
    await recordAudit(trx, ctx.clock, { actorId: user.id, action: "judging.add", targetType: "entry", targetId: entryId, details: { judgeId } });
    return assignmentJson(row);
  });
}

async function loadAssignment(ctx: AppContext, user: SessionUser, assignmentId: string): Promise<{ assignment: AssignmentRow; panel: Panel }> {
  const assignment = await q.findAssignment(ctx.db, assignmentId);
  if (!assignment) throw new NotFoundError("errors.assignmentNotFound");
  const round = await q.findRound(ctx.db, assignment.roundId);
  const panel = await panelOf(ctx, user, round!.contestId);
  if (panel.settings.round.id !== assignment.roundId) throw new StageError("errors.roundClosed", { round: round!.name });
  assertAssigningStage(panel.contest);
  return { assignment, panel };
}

/** Removes an assignment that has no submitted sheet. */
export async function removeAssignment(ctx: AppContext, user: SessionUser, assignmentId: string): Promise<void> {
  const { assignment } = await loadAssignment(ctx, user, assignmentId);
  if (assignment.status === "submitted") throw new ConflictError("assignment_scored", "errors.assignmentScored");
  await ctx.db.transaction(async (trx) => {
    await q.deleteAssignments(trx, [assignment.id]);
    await recordAudit(trx, ctx.clock, { actorId: user.id, action: "judging.remove", targetType: "entry", targetId: assignment.entryId, details: { judgeId: assignment.judgeId } });
  });
}

/** Gives an unsubmitted assignment to another judge of the pool; a conflicting swap is refused. */
export async function swapAssignment(ctx: AppContext, user: SessionUser, assignmentId: string, judgeId: string): Promise<AssignmentJson> {
  const { assignment, panel } = await loadAssignment(ctx, user, assignmentId);
  if (assignment.status === "submitted") throw new ConflictError("assignment_scored", "errors.assignmentScored");
  await assertNoConflict(panel, assignment.entryId, judgeId);
  return ctx.db.transaction(async (trx) => {
    if ((await q.assignmentsOfRound(trx, assignment.roundId)).some((a) => a.entryId === assignment.entryId && a.judgeId === judgeId)) throw new ConflictError("already_assigned", "errors.alreadyAssigned");
    const now = ctx.clock.now().toISOString();
    await q.deleteAssignments(trx, [assignment.id]);
    const row = assignmentRow(assignment.roundId, assignment.entryId, judgeId, now);
    await q.insertAssignments(trx, [row]);
    await recordAudit(trx, ctx.clock, { actorId: user.id, action: "judging.swap", targetType: "entry", targetId: assignment.entryId, details: { from: assignment.judgeId, to: judgeId } });
    return assignmentJson(row);
  });
}

/**
 * Hands unsubmitted assignments of `leavingJudgeId` on, one by one, each to the least-loaded judge of
 * the pool who has no conflict with the entry and does not already have it (ties by id, so the same
 * state gives the same result). Answers the new rows and the entries that found nobody.
 */
function handOn(panel: Panel, all: AssignmentRow[], leaving: AssignmentRow[], leavingJudgeId: string, now: string): { fresh: AssignmentRow[]; unplaced: string[] } {
  const load = new Map(panel.judges.map((j) => [j.id, 0]));
  for (const a of all) if (a.judgeId !== leavingJudgeId) load.set(a.judgeId, (load.get(a.judgeId) ?? 0) + 1);
  const fresh: AssignmentRow[] = [];
  const unplaced: string[] = [];
  for (const a of leaving) {
    const entry = panel.entries.find((e) => e.id === a.entryId);
    const taken = new Set([...all, ...fresh].filter((x) => x.entryId === a.entryId).map((x) => x.judgeId));
    const candidates = panel.judges.filter((j) => j.id !== leavingJudgeId && !taken.has(j.id) && entry && !panel.conflict(entry, j)).sort((x, y) => load.get(x.id)! - load.get(y.id)! || x.id.localeCompare(y.id));
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
export async function reassignJudge(ctx: AppContext, user: SessionUser, contestId: string, judgeId: string): Promise<{ moved: number; unplaced: string[] }> {
  // An id that names no user is a wrong address (404), not a judge with nothing to hand on: refused before anything is written.
  await getUser(ctx, judgeId);
  const panel = await panelOf(ctx, user, contestId);
  assertAssigningStage(panel.contest);
  const { round } = panel.settings;
  return ctx.db.transaction(async (trx) => {
    const all = await q.assignmentsOfRound(trx, round.id);
    const leaving = all.filter((a) => a.judgeId === judgeId && a.status !== "submitted");
    const { fresh, unplaced } = handOn(panel, all, leaving, judgeId, ctx.clock.now().toISOString());
    await q.deleteAssignments(trx, leaving.filter((a) => !unplaced.includes(a.entryId)).map((a) => a.id));
    await q.insertAssignments(trx, fresh);
    await recordAudit(trx, ctx.clock, { actorId: user.id, action: "judging.reassign", targetType: "contest", targetId: contestId, details: { judgeId, moved: fresh.length, unplaced } });
    return { moved: fresh.length, unplaced };
  });
}

/**
 * A judge declares a conflict with one of his entries (回避, DESIGN §3 "a declared conflict"): it is
 * recorded, so the entry is never assigned to him again; his unsubmitted assignment (draft included)
 * goes to the least-loaded eligible judge of the pool, or, when there is none, is left for the
 * organizer (the audit log and the progress page show the entry short of a judge). A submitted sheet
 * stays: only the organizer may remove it.
 */
export async function declareConflict(ctx: AppContext, user: SessionUser, assignmentId: string, reason: string): Promise<{ entryId: string; replaced: boolean }> {
  const { sheet, contest, round } = await judgeSheet(ctx, user, assignmentId);
  if (!ASSIGNING_STAGES.includes(contest.stage) || round.status !== "open") throw new StageError("errors.scoringClosed", { stage: contest.stage });
  if (sheet.status === "submitted") throw new ConflictError("assignment_scored", "errors.assignmentScored");
  const panel = await panelOf(ctx, user, contest.id);
  return ctx.db.transaction(async (trx) => {
    const now = ctx.clock.now().toISOString();
    const all = await q.assignmentsOfRound(trx, round.id);
    const mine = all.find((a) => a.id === assignmentId);
    // Another request of his removed it meanwhile.
    if (!mine) throw new NotFoundError("errors.assignmentNotFound");
    await q.insertDeclaredConflict(trx, { judgeId: user.id, entryId: mine.entryId, reason, at: now });
    const { fresh } = handOn(panel, all, [mine], user.id, now);
    await q.deleteAssignments(trx, [mine.id]);
    await q.insertAssignments(trx, fresh);
    await recordAudit(trx, ctx.clock, { actorId: user.id, action: "judging.declareConflict", targetType: "entry", targetId: mine.entryId, details: { reason, replacedBy: fresh[0]?.judgeId ?? null } });
    return { entryId: mine.entryId, replaced: fresh.length > 0 };
  });
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
}

/** A judge's queue: entry codes and titles, never who made them (GET /me/assignments). */
export async function judgeQueue(ctx: AppContext, user: SessionUser): Promise<QueueItem[]> {
  if (user.role !== "judge") throw new ForbiddenError();
  return (await q.judgeQueue(ctx.db, user.id)).map((a) => ({
    id: a.id,
    entryId: a.entryId,
    code: a.code,
    title: a.title,
    category: a.category,
    status: a.status,
    contestId: a.contestId,
    roundName: a.roundName,
    roundOpen: a.roundStatus === "open",
    total: a.total,
  }));
}

/** The judge accepts the conflict-of-interest declaration (回避声明) of a contest he judges. */
export async function acceptDeclaration(ctx: AppContext, user: SessionUser, contestId: string): Promise<{ accepted: true; contestId: string }> {
  if (user.role !== "judge") throw new ForbiddenError();
  const contest = await getContest(ctx, user, contestId);
  const rounds = await q.roundsOf(ctx.db, contest.id);
  const involved = (await Promise.all(rounds.map((r) => q.poolOf(ctx.db, r.id)))).some((pool) => pool.includes(user.id));
  if (!involved) throw new ForbiddenError("errors.notOnPanel", "not_on_panel");
  await q.insertDeclaration(ctx.db, contest.id, user.id, ctx.clock.now().toISOString());
  return { accepted: true, contestId: contest.id };
}

export async function hasDeclared(ctx: AppContext, contestId: string, judgeId: string): Promise<boolean> {
  return q.hasDeclared(ctx.db, contestId, judgeId);
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
  return { id: a.id, entryId: a.entryId, status: a.status, scores: a.scores ?? {}, deductions: a.deductions ?? {}, comment: a.comment ?? "", total: a.total, submittedAt: a.submittedAt };
}

/** The judge's own assignment with the rubric he scores it by. */
export async function judgeSheet(ctx: AppContext, user: SessionUser, assignmentId: string): Promise<{ sheet: SheetJson; rubric: Rubric; contest: Contest; round: RoundRow; declared: boolean }> {
  const assignment = await q.findAssignment(ctx.db, assignmentId);
  if (!assignment) throw new NotFoundError("errors.assignmentNotFound");
  if (assignment.judgeId !== user.id) throw new ForbiddenError("errors.notYourAssignment", "not_your_assignment");
  const round = (await q.findRound(ctx.db, assignment.roundId))!;
  const contest = await getContest(ctx, user, round.contestId);
  return { sheet: sheetJson(assignment), rubric: settingsOf(contest, round).rubric, contest, round, declared: await q.hasDeclared(ctx.db, contest.id, user.id) };
}

/**
 * A judge saves a draft or submits his sheet (PUT /assignments/:id/score). Refused for another
 * judge's assignment, before the declaration, outside judging or in a closed round; every save is
 * kept in the score history.
 */
export async function saveScore(ctx: AppContext, user: SessionUser, assignmentId: string, body: unknown): Promise<SheetJson> {
  const { sheet: current, rubric, contest, round, declared } = await judgeSheet(ctx, user, assignmentId);
  if (contest.stage !== "judging" || round.status !== "open") throw new StageError("errors.scoringClosed", { stage: contest.stage });
  if (!declared) throw new ForbiddenError("errors.declarationRequired", "declaration_required");
  const { sheet, total } = checkScoreSheet(rubric, body);
  const now = ctx.clock.now().toISOString();
  const next = {
    status: (sheet.submit ? "submitted" : "draft") as AssignmentRow["status"],
    scores: sheet.scores,
    deductions: sheet.deductions ?? {},
    comment: sheet.comment ?? "",
    total,
    updatedAt: now,
    submittedAt: sheet.submit ? now : null,
  };
  await ctx.db.transaction(async (trx) => {
    await q.saveSheet(trx, assignmentId, next);
    await q.insertScoreHistory(trx, {
      assignmentId,
      judgeId: user.id,
      at: now,
      before: current.status === "assigned" ? null : { status: current.status, scores: current.scores, deductions: current.deductions, total: current.total },
      after: { status: next.status, scores: next.scores, deductions: next.deductions, total: next.total },
    });
  });
  return sheetJson((await q.findAssignment(ctx.db, assignmentId))!);
}

export async function scoreHistory(ctx: AppContext, user: SessionUser, entryId: string) {
  if (user.role !== "organizer") throw new ForbiddenError();
  // 404 for an entry that does not exist, rather than an empty history.
  await getEntry(ctx, user, entryId);
  return q.scoreHistoryOfEntry(ctx.db, entryId);
}

export interface Progress {
  round: { id: string; number: number; name: string; status: string };
  judges: { judgeId: string; name: string; assigned: number; submitted: number; drafts: number; missing: number; declared: boolean }[];
  /** `needed`: the judges the entry should have (judgesPerEntry, or the whole panel in a final round). */
  entries: { entryId: string; code: string; title: string; assigned: number; needed: number; submitted: number }[];
  late: string[];
  totals: { assigned: number; submitted: number; drafts: number };
}

/** Per judge and per entry completion of the current round (GET /contests/:id/progress). */
export async function progress(ctx: AppContext, user: SessionUser, contestId: string): Promise<Progress> {
  const panel = await panelOf(ctx, user, contestId);
  const { round } = panel.settings;
  const assignments = await q.assignmentsOfRound(ctx.db, round.id);
  const judgeIds = [...new Set([...panel.judges.map((j) => j.id), ...assignments.map((a) => a.judgeId)])];
  const users = new Map((await findUsersByIds(ctx.db, judgeIds)).map((u) => [u.id, u]));
  const declared = await q.declaredJudgeIds(ctx.db, panel.contest.id);
  const byJudge = groupBy(assignments, (a) => a.judgeId);
  const byEntry = groupBy(assignments, (a) => a.entryId);
  const judges = judgeIds.map((judgeId) => {
    const mine = byJudge.get(judgeId) ?? [];
    const submitted = mine.filter((a) => a.status === "submitted").length;
    const drafts = mine.filter((a) => a.status === "draft").length;
    return { judgeId, name: users.get(judgeId)?.name ?? "", assigned: mine.length, submitted, drafts, missing: mine.length - submitted, declared: declared.has(judgeId) };
  });
  // A final round's whole panel scores every finalist; a declared conflict may leave an entry short.
  const needed = panel.settings.judgesPerEntry ?? panel.judges.length;
  const entries = panel.entries.map((e) => {
    const theirs = byEntry.get(e.id) ?? [];
    return { entryId: e.id, code: e.code, title: e.title, assigned: theirs.length, needed, submitted: theirs.filter((a) => a.status === "submitted").length };
  });
  return {
    round: { id: round.id, number: round.number, name: round.name, status: round.status },
    judges,
    entries,
    late: judges.filter((j) => j.missing > 0).map((j) => j.judgeId),
    totals: { assigned: assignments.length, submitted: assignments.filter((a) => a.status === "submitted").length, drafts: assignments.filter((a) => a.status === "draft").length },
  };
}

/** The submitted sheets of a round, for computing its results, in (entry, judge) order. */
export async function submittedSheets(ctx: AppContext, roundId: string): Promise<{ entryId: string; judgeId: string; total: number; scores: Record<string, number> }[]> {
  return q.submittedSheetsOfRound(ctx.db, roundId);
}

/** The entries a round ranks (its finalists after round 1). */
export async function roundEntries(ctx: AppContext, contest: Contest, round: RoundRow): Promise<EntryRow[]> {
  return entriesOfRound(ctx, contest, round);
}

/**
 * The entries of the round that may be ranked (roundEntries less those failing the safety gate),
 * as lean summaries in the same order, with the talk time where the contest has time rules and the
 * public votes where the vote has a weight: what computing the round's results reads.
 */
export async function rankableRoundEntries(ctx: AppContext, contest: Contest, round: RoundRow): Promise<EntrySummary[]> {
  const options = { talkSeconds: contest.rules.timeRules != null, publicVotes: contest.rules.publicVoteWeight > 0 };
  if (round.number === 1) return rankableEntrySummaries(ctx, contest, options);
  const ids = new Set(await q.roundEntryIds(ctx.db, round.id));
  return (await submittedSafeEntrySummaries(ctx, contest, options)).filter((e) => ids.has(e.id));
}

/**
 * Opens a final round (决赛/终评) for the given finalists: the previous round closes, the new one
 * has its own rubric and aggregation, and its whole panel scores every finalist.
 */
export async function openFinalRound(
  ctx: AppContext,
  user: SessionUser,
  contest: Contest,
  settings: { name: string; rubric?: Rubric; aggregation?: Contest["aggregation"] },
  finalistIds: string[],
): Promise<RoundRow> {
  if (contest.stage !== "judging") throw new StageError("errors.roundsOnlyInJudging", { stage: contest.stage });
  return ctx.db.transaction(async (trx) => {
    const previous = await currentRound(ctx, trx, contest);
    const round: RoundRow = {
      id: newId(),
      contestId: contest.id,
      number: previous.number + 1,
      name: settings.name,
      rubric: settings.rubric ?? settingsOf(contest, previous).rubric,
      aggregation: settings.aggregation ?? settingsOf(contest, previous).aggregation,
      judgesPerEntry: null,
      status: "open",
      createdAt: ctx.clock.now().toISOString(),
    };
    await q.setRoundStatus(trx, previous.id, "closed");
    await q.insertRound(trx, round);
    await q.insertRoundEntries(trx, round.id, finalistIds);
    await recordAudit(trx, ctx.clock, { actorId: user.id, action: "judging.round", targetType: "contest", targetId: contest.id, details: { round: round.number, name: round.name, finalists: finalistIds.length } });
    return round;
  });
}

export async function listRounds(ctx: AppContext, contest: Contest): Promise<(RoundSettings & { entries: number; judges: number })[]> {
  await currentRound(ctx, ctx.db, contest);
  const rounds = await q.roundsOf(ctx.db, contest.id);
  return Promise.all(
    rounds.map(async (round) => ({
      ...settingsOf(contest, round),
      entries: (await entriesOfRound(ctx, contest, round)).length,
      judges: (await q.poolOf(ctx.db, round.id)).length,
    })),
  );
}

/** The contest as clients see it: its rubric and aggregation are the current round's (DESIGN §4). */
export async function withCurrentRound(ctx: AppContext, contest: Contest): Promise<Contest> {
  return (await withCurrentRounds(ctx, [contest]))[0]!;
}

/** Contests as the API shows them: `rubric` and `aggregation` are the current round's (DESIGN §4). */
export async function withCurrentRounds(ctx: AppContext, contests: Contest[]): Promise<Contest[]> {
  const later = await q.laterRoundsOf(ctx.db, contests.map((c) => c.id));
  return contests.map((contest) => {
    const last = later.get(contest.id);
    if (!last) return contest;
    const settings = settingsOf(contest, last);
    return { ...contest, rubric: settings.rubric, aggregation: settings.aggregation };
  });
}
