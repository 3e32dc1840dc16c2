import type { Knex } from "knex";
import { toBool } from "../db/dialect.js";

export interface SummaryRow {
  id: string;
  weekId: string;
  unitId: string;
  authorId: string;
  dueAt: string;
  filedAt: string;
  late: boolean;
  updatedAt: string;
}

const fromRow = (row: Record<string, unknown>): SummaryRow => ({
  id: String(row.id),
  weekId: String(row.week_id),
  unitId: String(row.unit_id),
  authorId: String(row.author_id),
  dueAt: String(row.due_at),
  filedAt: String(row.filed_at),
  late: toBool(row.late),
  updatedAt: String(row.updated_at),
});

export async function findSummary(db: Knex, weekId: string, unitId: string): Promise<SummaryRow | null> {
  const row = await db<Record<string, unknown>>("unit_summaries").where({ week_id: weekId, unit_id: unitId }).first();
  return row ? fromRow(row) : null;
}

/** Inserts the unit's summary of the week unless one is there (filed meanwhile): answers whether this one went in. */
export async function insertSummary(db: Knex, s: SummaryRow): Promise<boolean> {
  await db("unit_summaries")
    .insert({
      id: s.id,
      week_id: s.weekId,
      unit_id: s.unitId,
      author_id: s.authorId,
      due_at: s.dueAt,
      filed_at: s.filedAt,
      late: s.late,
      updated_at: s.updatedAt,
    })
    .onConflict(["week_id", "unit_id"])
    .ignore();
  return (await findSummary(db, s.weekId, s.unitId))?.id === s.id;
}

export async function touchSummary(db: Knex, id: string, updatedAt: string): Promise<void> {
  await db("unit_summaries").where({ id }).update({ updated_at: updatedAt });
}
