import type { Knex } from "knex";
import { toBool, toNumber } from "../db/dialect.js";

/** An activity as filing its news report needs it: its unit and city, its week's due rule, whether its city's package is in. */
export interface ActivityForNews {
  id: string;
  weekId: string;
  unitId: string;
  unitName: string;
  city: string;
  title: string;
  startsAt: string;
  endsAt: string;
  newsDueDays: number;
  packageSubmitted: boolean;
}

export interface NewsRow {
  id: string;
  activityId: string;
  unitId: string;
  authorId: string;
  text: string;
  dueAt: string;
  filedAt: string;
  late: boolean;
  updatedAt: string;
}

function newsFromRow(row: Record<string, unknown>): NewsRow {
  return {
    id: String(row.id),
    activityId: String(row.activity_id),
    unitId: String(row.unit_id),
    authorId: String(row.author_id),
    text: String(row.text),
    dueAt: String(row.due_at),
    filedAt: String(row.filed_at),
    late: toBool(row.late),
    updatedAt: String(row.updated_at),
  };
}

const activityColumns = [
  "a.id",
  "a.week_id",
  "a.unit_id",
  "u.name as unit_name",
  "a.city",
  "a.title",
  "a.starts_at",
  "a.ends_at",
  "w.news_due_days",
  "p.id as package_id",
];

function activityFromRow(row: Record<string, unknown>): ActivityForNews {
  return {
    id: String(row.id),
    weekId: String(row.week_id),
    unitId: String(row.unit_id),
    unitName: String(row.unit_name),
    city: String(row.city),
    title: String(row.title),
    startsAt: String(row.starts_at),
    endsAt: String(row.ends_at),
    newsDueDays: toNumber(row.news_due_days),
    packageSubmitted: row.package_id != null,
  };
}

function activities(db: Knex) {
  return db<Record<string, unknown>>("activities as a")
    .join("units as u", "u.id", "a.unit_id")
    .join("report_weeks as w", "w.id", "a.week_id")
    .leftJoin("city_packages as p", function () {
      this.on("p.week_id", "=", "a.week_id").andOn("p.city", "=", "a.city");
    });
}

export async function findActivity(db: Knex, id: string): Promise<ActivityForNews | null> {
  const row = await activities(db).where("a.id", id).first<Record<string, unknown> | undefined>(activityColumns);
  return row ? activityFromRow(row) : null;
}

/** A unit's activities of a week, by start, each with its news report when filed. */
export async function unitActivities(
  db: Knex,
  weekId: string,
  unitId: string,
): Promise<(ActivityForNews & { news: NewsRow | null })[]> {
  const rows: Record<string, unknown>[] = await activities(db)
    .leftJoin("news_reports as n", "n.activity_id", "a.id")
    .where({ "a.week_id": weekId, "a.unit_id": unitId })
    .orderBy([{ column: "a.starts_at" }, { column: "a.id" }])
    .select([
      ...activityColumns,
      ...["id", "activity_id", "unit_id", "author_id", "text", "due_at", "filed_at", "late", "updated_at"].map(
        (c) => `n.${c} as n_${c}`,
      ),
    ]);
  return rows.map((row) => {
    const news = Object.fromEntries(
      Object.entries(row)
        .filter(([k]) => k.startsWith("n_"))
        .map(([k, v]) => [k.slice(2), v]),
    );
    return { ...activityFromRow(row), news: row.n_id == null ? null : newsFromRow(news) };
  });
}

export async function findNewsByActivity(db: Knex, activityId: string): Promise<NewsRow | null> {
  const row = await db<Record<string, unknown>>("news_reports").where({ activity_id: activityId }).first();
  return row ? newsFromRow(row) : null;
}

/** Inserts the report unless the activity has one already (filed meanwhile): answers whether it was inserted. */
export async function insertNews(db: Knex, news: NewsRow): Promise<boolean> {
  await db("news_reports")
    .insert({
      id: news.id,
      activity_id: news.activityId,
      unit_id: news.unitId,
      author_id: news.authorId,
      text: news.text,
      due_at: news.dueAt,
      filed_at: news.filedAt,
      late: news.late,
      updated_at: news.updatedAt,
    })
    .onConflict("activity_id")
    .ignore();
  return (await findNewsByActivity(db, news.activityId))?.id === news.id;
}

export async function updateNewsText(
  db: Knex,
  id: string,
  change: { text?: string; updatedAt: string },
): Promise<void> {
  await db("news_reports")
    .where({ id })
    .update({ ...(change.text !== undefined ? { text: change.text } : {}), updated_at: change.updatedAt });
}
