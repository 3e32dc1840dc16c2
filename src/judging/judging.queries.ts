import type { Knex } from "knex";
import { parseJson, toNumber } from "../db/dialect.js";
import type { Aggregation } from "../contests/contests.schemas.js";
import type { Rubric } from "../contests/rubric.js";
import type { Advancement } from "./round-settings.js";

export interface RoundRow {
  id: string;
  contestId: string;
  number: number;
  name: string;
  rubric: Rubric | null;
  aggregation: Aggregation | null;
  judgesPerEntry: number | null;
  status: "open" | "closed";
  createdAt: string;
  /** How the previous round's entries advanced into this round; null for round 1. */
  advancement: Advancement | null;
  /** When this round's finalists (those who advanced to the next round) were published; null while not. */
  finalistsPublishedAt: string | null;
}

export type AssignmentStatus = "assigned" | "draft" | "submitted";

export interface AssignmentRow {
  id: string;
  roundId: string;
  entryId: string;
  judgeId: string;
  status: AssignmentStatus;
  scores: Record<string, number> | null;
  deductions: Record<string, number> | null;
  comment: string | null;
  total: number | null;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
}

export function roundFromRow(row: Record<string, unknown>): RoundRow {
  return {
    id: String(row.id),
    contestId: String(row.contest_id),
    number: Number(row.number),
    name: String(row.name),
    rubric: parseJson<Rubric | null>(row.rubric, null),
    aggregation: (row.aggregation as Aggregation | null) ?? null,
    judgesPerEntry:
      row.judges_per_entry === null || row.judges_per_entry === undefined ? null : Number(row.judges_per_entry),
    status: row.status as RoundRow["status"],
    createdAt: String(row.created_at),
    advancement: parseJson<Advancement | null>(row.advancement, null),
    finalistsPublishedAt: (row.finalists_published_at as string | null) ?? null,
  };
}

export function assignmentFromRow(row: Record<string, unknown>): AssignmentRow {
  return {
    id: String(row.id),
    roundId: String(row.round_id),
    entryId: String(row.entry_id),
    judgeId: String(row.judge_id),
    status: row.status as AssignmentStatus,
    scores: parseJson<Record<string, number> | null>(row.scores, null),
    deductions: parseJson<Record<string, number> | null>(row.deductions, null),
    comment: (row.comment as string | null) ?? null,
    total: row.total === null || row.total === undefined ? null : Number(row.total),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
    submittedAt: (row.submitted_at as string | null) ?? null,
  };
}

export async function roundsOf(db: Knex, contestId: string): Promise<RoundRow[]> {
  return (await db("rounds").where({ contest_id: contestId }).orderBy("number")).map(roundFromRow);
}

/** The last round of each of these contests that has one beyond round 1 (the others judge on their own settings). */
export async function laterRoundsOf(db: Knex, contestIds: string[]): Promise<Map<string, RoundRow>> {
  const latest = new Map<string, RoundRow>();
  if (contestIds.length === 0) return latest;
  const rows = await db("rounds").whereIn("contest_id", contestIds).andWhere("number", ">", 1).orderBy("number");
  for (const round of rows.map(roundFromRow)) latest.set(round.contestId, round);
  return latest;
}

export async function findRound(db: Knex, id: string): Promise<RoundRow | null> {
  const row = await db<Record<string, unknown>>("rounds").where({ id }).first();
  return row ? roundFromRow(row) : null;
}

export async function insertRound(db: Knex, round: RoundRow): Promise<void> {
  await db("rounds").insert({
    id: round.id,
    contest_id: round.contestId,
    number: round.number,
    name: round.name,
    rubric: round.rubric ? JSON.stringify(round.rubric) : null,
    aggregation: round.aggregation,
    judges_per_entry: round.judgesPerEntry,
    status: round.status,
    created_at: round.createdAt,
    advancement: round.advancement ? JSON.stringify(round.advancement) : null,
    finalists_published_at: round.finalistsPublishedAt,
  });
}

export async function setRoundStatus(db: Knex, id: string, status: RoundRow["status"]): Promise<void> {
  await db("rounds").where({ id }).update({ status });
}

export async function setFinalistsPublished(db: Knex, id: string, at: string): Promise<void> {
  await db("rounds").where({ id }).update({ finalists_published_at: at });
}

export async function poolOf(db: Knex, roundId: string): Promise<string[]> {
  return db("round_judges").where({ round_id: roundId }).pluck("judge_id");
}

export async function replacePool(db: Knex, roundId: string, judgeIds: string[]): Promise<void> {
  await db("round_judges").where({ round_id: roundId }).del();
  for (let i = 0; i < judgeIds.length; i += 200) {
    await db("round_judges").insert(
      judgeIds.slice(i, i + 200).map((judgeId) => ({ round_id: roundId, judge_id: judgeId })),
    );
  }
}

export async function roundEntryIds(db: Knex, roundId: string): Promise<string[]> {
  return db("round_entries").where({ round_id: roundId }).pluck("entry_id");
}

export async function insertRoundEntries(db: Knex, roundId: string, entryIds: string[]): Promise<void> {
  for (let i = 0; i < entryIds.length; i += 200) {
    await db("round_entries").insert(
      entryIds.slice(i, i + 200).map((entryId) => ({ round_id: roundId, entry_id: entryId })),
    );
  }
}

export async function assignmentsOfRound(db: Knex, roundId: string): Promise<AssignmentRow[]> {
  return (await db("assignments").where({ round_id: roundId }).orderBy(["entry_id", "judge_id"])).map(
    assignmentFromRow,
  );
}

/** A submitted sheet as results need it: no ids, dates, deductions or comments. */
export interface SubmittedSheetRow {
  entryId: string;
  judgeId: string;
  total: number;
  scores: Record<string, number>;
}

export async function findAssignment(db: Knex, id: string): Promise<AssignmentRow | null> {
  const row = await db<Record<string, unknown>>("assignments").where({ id }).first();
  return row ? assignmentFromRow(row) : null;
}

export async function insertAssignments(db: Knex, rows: AssignmentRow[]): Promise<void> {
  const records = rows.map((a) => ({
    id: a.id,
    round_id: a.roundId,
    entry_id: a.entryId,
    judge_id: a.judgeId,
    status: a.status,
    scores: null,
    deductions: null,
    comment: null,
    total: null,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    submitted_at: null,
  }));
  // Batches keep SQLite under its bound-parameter limit and make 50,000 rows take milliseconds.
  for (let i = 0; i < records.length; i += 500) await db("assignments").insert(records.slice(i, i + 500));
}

export async function deleteAssignments(db: Knex, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500)
    await db("assignments")
      .whereIn("id", ids.slice(i, i + 500))
      .del();
}

export async function scoreHistoryOfEntry(
  db: Knex,
  entryId: string,
): Promise<{ at: string; judgeId: string; judgeName: string; roundName: string; before: unknown; after: unknown }[]> {
  const rows = await db("score_history")
    .join("assignments", "assignments.id", "score_history.assignment_id")
    .join("users", "users.id", "score_history.judge_id")
    .join("rounds", "rounds.id", "assignments.round_id")
    .where("assignments.entry_id", entryId)
    .orderBy("score_history.id")
    .select("score_history.*", "users.name as judge_name", "rounds.name as round_name");
  return rows.map((r: Record<string, unknown>) => ({
    at: String(r.at),
    judgeId: String(r.judge_id),
    judgeName: String(r.judge_name),
    roundName: String(r.round_name),
    before: parseJson(r.before, null),
    after: parseJson(r.after, null),
  }));
}

export async function isAssigned(db: Knex, entryId: string, judgeId: string): Promise<boolean> {
  const row = await db<Record<string, unknown>>("assignments")
    .where({ entry_id: entryId, judge_id: judgeId })
    .first("id");
  return Boolean(row);
}

/** A queue line: only what the judge's queue shows, read as the answer's names (no row rebuilt per line). */
export interface QueueRow {
  id: string;
  entryId: string;
  status: AssignmentStatus;
  total: number | null;
  rescore: boolean;
  contestId: string;
  roundName: string;
  roundStatus: string;
  code: string;
  title: string;
  category: string;
}

export async function judgeQueue(db: Knex, judgeId: string): Promise<QueueRow[]> {
  const rows: QueueRow[] = await db("assignments")
    .join("rounds", "rounds.id", "assignments.round_id")
    .join("entries", "entries.id", "assignments.entry_id")
    .where("assignments.judge_id", judgeId)
    .orderBy([{ column: "rounds.created_at", order: "desc" }, { column: "entries.code" }])
    .select(
      "assignments.id",
      "assignments.entry_id as entryId",
      "assignments.status",
      "assignments.total",
      "assignments.rescore",
      "rounds.contest_id as contestId",
      "rounds.name as roundName",
      "rounds.status as roundStatus",
      "entries.code",
      "entries.title",
      "entries.category",
    );
  // SQLite answers booleans as 0/1 and PostgreSQL may answer a float column as text.
  for (const row of rows) {
    row.rescore = Boolean(row.rescore);
    if (row.total !== null) row.total = Number(row.total);
  }
  return rows;
}

export async function hasDeclared(db: Knex, contestId: string, judgeId: string): Promise<boolean> {
  return Boolean(
    await db("judge_declarations").where({ contest_id: contestId, judge_id: judgeId }).first("accepted_at"),
  );
}

/** The judges who have accepted the contest's declaration. */
export async function declaredJudgeIds(db: Knex, contestId: string): Promise<Set<string>> {
  return new Set((await db("judge_declarations").where({ contest_id: contestId }).pluck("judge_id")).map(String));
}

export async function insertDeclaration(db: Knex, contestId: string, judgeId: string, at: string): Promise<void> {
  await db("judge_declarations")
    .insert({ contest_id: contestId, judge_id: judgeId, accepted_at: at })
    .onConflict(["contest_id", "judge_id"])
    .ignore();
}

export async function declaredConflicts(db: Knex, judgeIds: string[]): Promise<{ judgeId: string; entryId: string }[]> {
  if (judgeIds.length === 0) return [];
  const rows = await db("declared_conflicts").whereIn("judge_id", judgeIds).select("judge_id", "entry_id");
  return rows.map((r: Record<string, unknown>) => ({ judgeId: String(r.judge_id), entryId: String(r.entry_id) }));
}

export async function insertDeclaredConflict(
  db: Knex,
  record: { judgeId: string; entryId: string; reason: string; at: string },
): Promise<void> {
  await db("declared_conflicts")
    .insert({ judge_id: record.judgeId, entry_id: record.entryId, reason: record.reason, created_at: record.at })
    .onConflict(["judge_id", "entry_id"])
    .ignore();
}

export async function countScored(db: Knex, roundId: string): Promise<number> {
  const [row] = await db("assignments").where({ round_id: roundId }).whereNot({ status: "assigned" }).count({ n: "*" });
  return toNumber(row?.n);
}

/** A submitted sheet as the published snapshot shows it: scores and deductions, so anyone can redo its total. */
export interface PublishedSheetRow extends SubmittedSheetRow {
  deductions: Record<string, number>;
}

/** The submitted sheets of a round with their deductions, in (entry, judge) order. */
export async function publishedSheetsOfRound(db: Knex, roundId: string): Promise<PublishedSheetRow[]> {
  const rows: Record<string, unknown>[] = await db("assignments")
    .where({ round_id: roundId, status: "submitted" })
    .whereNotNull("total")
    .orderBy(["entry_id", "judge_id"])
    .select("entry_id", "judge_id", "total", "scores", "deductions");
  return rows.map((row) => ({
    entryId: String(row.entry_id),
    judgeId: String(row.judge_id),
    total: Number(row.total),
    scores: parseJson<Record<string, number> | null>(row.scores, null) ?? {},
    deductions: parseJson<Record<string, number> | null>(row.deductions, null) ?? {},
  }));
}

/** Every judge ever assigned in the contest, in the order of his first assignment (then by id). */
export async function judgesInAssignmentOrder(db: Knex, contestId: string): Promise<string[]> {
  const rows: Record<string, unknown>[] = await db("assignments")
    .join("rounds", "rounds.id", "assignments.round_id")
    .where("rounds.contest_id", contestId)
    .groupBy("assignments.judge_id")
    .select("assignments.judge_id as judgeId")
    .min({ first: "assignments.created_at" })
    .orderBy([{ column: "first" }, { column: "judgeId" }]);
  return rows.map((r) => String(r.judgeId));
}

/** Marks an assignment as an objection's re-scoring (scored during the notice). */
export async function markRescore(db: Knex, id: string): Promise<void> {
  await db("assignments").where({ id }).update({ rescore: true });
}

export async function isRescore(db: Knex, id: string): Promise<boolean> {
  const row = await db<Record<string, unknown>>("assignments").where({ id }).first("rescore");
  return Boolean(row?.rescore);
}
