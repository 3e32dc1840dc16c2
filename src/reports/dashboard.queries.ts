import type { Knex } from "knex";
import { shanghaiDaySql, toBool, toNumber } from "../db/dialect.js";

/** Which activities count: the week's, and for a coordinator his city's only. */
export interface DashboardScope {
  weekId: string;
  city?: string;
}

export interface KeyCount {
  key: string;
  count: number;
}

function scoped(db: Knex, scope: DashboardScope) {
  const query = db<Record<string, unknown>>("activities as a").where("a.week_id", scope.weekId);
  if (scope.city) query.where("a.city", scope.city);
  return query;
}

async function countBy(db: Knex, scope: DashboardScope, expression: string): Promise<KeyCount[]> {
  const rows: Record<string, unknown>[] = await scoped(db, scope)
    .select(db.raw(`${expression} as k`), db.raw("count(*) as n"))
    .groupByRaw(expression)
    .orderByRaw(expression);
  return rows.map((r) => ({ key: String(r.k), count: toNumber(r.n) }));
}

export const activitiesByTheme = (db: Knex, scope: DashboardScope) => countBy(db, scope, "a.theme");
export const activitiesByForm = (db: Knex, scope: DashboardScope) => countBy(db, scope, "a.form");
/** By the Shanghai calendar day the activity starts on. */
export const activitiesByDay = (db: Knex, scope: DashboardScope) =>
  countBy(db, scope, shanghaiDaySql(db, "a.starts_at"));

export interface CityCounts {
  city: string;
  activities: number;
  onTime: number;
  late: number;
  /** Activities without a news report, whenever due. */
  missing: number;
  /** Of those, the ones whose due time has passed: their end day comes before `overdueBefore`. */
  missingPastDue: number;
}

export async function countsByCity(db: Knex, scope: DashboardScope, overdueBefore: string): Promise<CityCounts[]> {
  const endDay = shanghaiDaySql(db, "a.ends_at");
  const rows = (await scoped(db, scope)
    .leftJoin("news_reports as n", "n.activity_id", "a.id")
    .select(
      "a.city",
      db.raw("count(*) as activities"),
      db.raw("sum(case when n.id is null then 0 when n.late then 0 else 1 end) as on_time"),
      db.raw("sum(case when n.id is null then 0 when n.late then 1 else 0 end) as late"),
      db.raw("sum(case when n.id is null then 1 else 0 end) as missing"),
      db.raw(`sum(case when n.id is null and ${endDay} < ? then 1 else 0 end) as missing_past_due`, [overdueBefore]),
    )
    .groupBy("a.city")
    .orderBy("a.city")) as Record<string, unknown>[];
  return rows.map((r) => ({
    city: String(r.city),
    activities: toNumber(r.activities),
    onTime: toNumber(r.on_time),
    late: toNumber(r.late),
    missing: toNumber(r.missing),
    missingPastDue: toNumber(r.missing_past_due),
  }));
}

/** Units with activities in scope, and their activities, by the unit's kind. */
export async function countsByUnitKind(
  db: Knex,
  scope: DashboardScope,
): Promise<{ kind: string; units: number; activities: number }[]> {
  const rows = (await scoped(db, scope)
    .join("units as u", "u.id", "a.unit_id")
    .select("u.kind", db.raw("count(distinct u.id) as units"), db.raw("count(*) as activities"))
    .groupBy("u.kind")
    .orderBy("u.kind")) as Record<string, unknown>[];
  return rows.map((r) => ({ kind: String(r.kind), units: toNumber(r.units), activities: toNumber(r.activities) }));
}

/** When each city in scope submitted its package for the week. */
export async function packagesOf(db: Knex, scope: DashboardScope): Promise<Map<string, string>> {
  const query = db<{ city: string; submitted_at: string }>("city_packages")
    .where("week_id", scope.weekId)
    .select("city", "submitted_at");
  if (scope.city) query.where("city", scope.city);
  const rows: { city: string; submitted_at: string }[] = await query;
  return new Map(rows.map((r) => [r.city, r.submitted_at]));
}

export interface ExportActivityRow {
  unit: string;
  city: string;
  title: string;
  theme: string;
  form: string;
  startsAt: string;
  endsAt: string;
  place: string;
  newsDueAt: string | null;
  newsFiledAt: string | null;
  newsLate: boolean | null;
  newsText: string | null;
  images: number;
  videos: number;
}

/** Every activity of the scope with its news report (if any) and the report's file counts, for the export. */
export async function activitiesForExport(db: Knex, scope: DashboardScope): Promise<ExportActivityRow[]> {
  const files = db("report_files")
    .where("owner_type", "news")
    .select(
      "owner_id",
      db.raw("sum(case when role = 'image' then 1 else 0 end) as images"),
      db.raw("sum(case when role = 'video' then 1 else 0 end) as videos"),
    )
    .groupBy("owner_id")
    .as("f");
  const rows = (await scoped(db, scope)
    .join("units as u", "u.id", "a.unit_id")
    .leftJoin("news_reports as n", "n.activity_id", "a.id")
    .leftJoin(files, "f.owner_id", "n.id")
    .select(
      "u.name as unit",
      "a.city",
      "a.title",
      "a.theme",
      "a.form",
      "a.starts_at",
      "a.ends_at",
      "a.place",
      "n.due_at",
      "n.filed_at",
      "n.late",
      "n.text",
      "f.images",
      "f.videos",
    )
    .orderBy([{ column: "a.city" }, { column: "u.name" }, { column: "a.starts_at" }, { column: "a.id" }])) as Record<
    string,
    unknown
  >[];
  return rows.map((r) => ({
    unit: String(r.unit),
    city: String(r.city),
    title: String(r.title),
    theme: String(r.theme),
    form: String(r.form),
    startsAt: String(r.starts_at),
    endsAt: String(r.ends_at),
    place: String(r.place),
    newsDueAt: (r.due_at as string | null) ?? null,
    newsFiledAt: (r.filed_at as string | null) ?? null,
    newsLate: r.filed_at === null || r.filed_at === undefined ? null : toBool(r.late),
    newsText: (r.text as string | null) ?? null,
    images: toNumber(r.images),
    videos: toNumber(r.videos),
  }));
}

export interface ExportUnitRow {
  unit: string;
  city: string;
  kind: string;
  activities: number;
  summaryDueAt: string | null;
  summaryFiledAt: string | null;
  summaryLate: boolean | null;
}

/** Each unit with activities in scope, with its summary for the week (if filed). */
export async function unitsForExport(db: Knex, scope: DashboardScope): Promise<ExportUnitRow[]> {
  const rows = (await scoped(db, scope)
    .join("units as u", "u.id", "a.unit_id")
    .leftJoin("unit_summaries as s", (j) => j.on("s.unit_id", "u.id").andOn("s.week_id", "a.week_id"))
    .select("u.id", "u.name", "u.city", "u.kind", "s.due_at", "s.filed_at", "s.late", db.raw("count(*) as activities"))
    .groupBy("u.id", "u.name", "u.city", "u.kind", "s.due_at", "s.filed_at", "s.late")
    .orderBy([{ column: "u.city" }, { column: "u.name" }])) as Record<string, unknown>[];
  return rows.map((r) => ({
    unit: String(r.name),
    city: String(r.city),
    kind: String(r.kind),
    activities: toNumber(r.activities),
    summaryDueAt: (r.due_at as string | null) ?? null,
    summaryFiledAt: (r.filed_at as string | null) ?? null,
    summaryLate: r.filed_at === null || r.filed_at === undefined ? null : toBool(r.late),
  }));
}
