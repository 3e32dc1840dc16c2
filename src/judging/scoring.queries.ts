import type { Knex } from "knex";
import { toBool } from "../db/dialect.js";
import { assignmentFromRow, roundFromRow, type AssignmentRow, type RoundRow } from "./judging.queries.js";
import { encodeScores } from "./score-values.js";

/**
 * The score saves' SQL, made for a batch of saves sharing one transaction (scoring.service.ts): each
 * read fetches what every save of the batch needs in one query, each write is one statement.
 */

export type SavedSheet = Pick<
  AssignmentRow,
  "id" | "status" | "scores" | "deductions" | "comment" | "total" | "updatedAt" | "submittedAt"
>;

export interface ScoreHistoryRecord {
  assignmentId: string;
  judgeId: string;
  at: string;
  before: unknown;
  after: unknown;
}

/** These assignments by id, each with whether it is an objection's re-scoring. */
export async function assignmentsToScore(
  db: Knex,
  ids: string[],
): Promise<Map<string, { assignment: AssignmentRow; rescore: boolean }>> {
  const rows = await db<Record<string, unknown>>("assignments").whereIn("id", ids);
  return new Map(
    rows.map((row) => [String(row.id), { assignment: assignmentFromRow(row), rescore: toBool(row.rescore) }]),
  );
}

export async function roundsById(db: Knex, ids: string[]): Promise<Map<string, RoundRow>> {
  const rows = await db<Record<string, unknown>>("rounds").whereIn("id", ids);
  return new Map(rows.map((row) => [String(row.id), roundFromRow(row)]));
}

/** Which of these judges accepted which of these contests' declarations, as `contestId judgeId` keys. */
export async function acceptedDeclarations(db: Knex, contestIds: string[], judgeIds: string[]): Promise<Set<string>> {
  const rows: { contest_id: string; judge_id: string }[] = await db("judge_declarations")
    .whereIn("contest_id", contestIds)
    .whereIn("judge_id", judgeIds)
    .select("contest_id", "judge_id");
  return new Set(rows.map((r) => declarationKey(r.contest_id, r.judge_id)));
}

export function declarationKey(contestId: string, judgeId: string): string {
  return `${contestId} ${judgeId}`;
}

/** Writes these sheets (one per assignment) in one UPDATE: each column is a CASE over the ids. */
export async function saveSheets(db: Knex, sheets: SavedSheet[]): Promise<void> {
  if (sheets.length === 0) return;
  // The cast types the total on PostgreSQL, which would otherwise take the bound values as text.
  const column = (value: (s: SavedSheet) => Knex.Value, cast = "?") =>
    db.raw(
      `CASE id ${sheets.map(() => `WHEN ? THEN ${cast}`).join(" ")} END`,
      sheets.flatMap((s) => [s.id, value(s)]),
    );
  const compact = new Map(sheets.map((s) => [s.id, encodeScores(s.scores ?? {})]));
  await db("assignments")
    .whereIn(
      "id",
      sheets.map((s) => s.id),
    )
    .update({
      status: column((s) => s.status),
      scores: column((s) => JSON.stringify(s.scores ?? {})),
      // The compact form that computing results reads (score-values.ts), always beside the JSON.
      score_keys: column((s) => compact.get(s.id)!.keys),
      score_values: column((s) => compact.get(s.id)!.values),
      deductions: column((s) => JSON.stringify(s.deductions ?? {})),
      comment: column((s) => s.comment),
      total: column((s) => s.total, "CAST(? AS DOUBLE PRECISION)"),
      updated_at: column((s) => s.updatedAt),
      submitted_at: column((s) => s.submittedAt),
    });
}

/** Every save's history row, in the order the saves were made. */
export async function insertScoreHistory(db: Knex, records: ScoreHistoryRecord[]): Promise<void> {
  if (records.length === 0) return;
  await db("score_history").insert(
    records.map((r) => ({
      assignment_id: r.assignmentId,
      judge_id: r.judgeId,
      at: r.at,
      before: r.before ? JSON.stringify(r.before) : null,
      after: JSON.stringify(r.after),
    })),
  );
}
