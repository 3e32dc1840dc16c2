import type { Knex } from "knex";
import { toNumber } from "../db/dialect.js";

export interface WeekRow {
  id: string;
  title: string;
  newsDueDays: number;
  summaryDueAt: string;
  createdAt: string;
}

function fromRow(row: Record<string, unknown>): WeekRow {
  return {
    id: String(row.id),
    title: String(row.title),
    newsDueDays: toNumber(row.news_due_days),
    summaryDueAt: String(row.summary_due_at),
    createdAt: String(row.created_at),
  };
}

export async function insertWeek(db: Knex, week: WeekRow): Promise<void> {
  await db("report_weeks").insert({
    id: week.id,
    title: week.title,
    news_due_days: week.newsDueDays,
    summary_due_at: week.summaryDueAt,
    created_at: week.createdAt,
  });
}

/** Newest first: the first is the current week. */
export async function listWeeks(db: Knex): Promise<WeekRow[]> {
  return (await db("report_weeks").orderBy("created_at", "desc")).map(fromRow);
}

export async function latestWeek(db: Knex): Promise<WeekRow | null> {
  const row = await db<Record<string, unknown>>("report_weeks").orderBy("created_at", "desc").first();
  return row ? fromRow(row) : null;
}

export async function findWeekById(db: Knex, id: string): Promise<WeekRow | null> {
  const row = await db<Record<string, unknown>>("report_weeks").where({ id }).first();
  return row ? fromRow(row) : null;
}
