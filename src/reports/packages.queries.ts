import type { Knex } from "knex";
import { toBool } from "../db/dialect.js";

export interface ActivityDutyRow {
  id: string;
  unitId: string;
  city: string;
  title: string;
  endsAt: string;
  /** The news report's own late flag, or null when none is filed. */
  newsLate: boolean | null;
}

export interface PackageRow {
  id: string;
  weekId: string;
  city: string;
  submittedAt: string;
  submittedBy: string;
}

const packageOf = (row: Record<string, unknown>): PackageRow => ({
  id: String(row.id),
  weekId: String(row.week_id),
  city: String(row.city),
  submittedAt: String(row.submitted_at),
  submittedBy: String(row.submitted_by),
});

/** The week's activities (of a city, or all) with whether and how their news report was filed. */
export async function activityDuties(db: Knex, weekId: string, city?: string): Promise<ActivityDutyRow[]> {
  const query = db("activities as a")
    .leftJoin("news_reports as n", "n.activity_id", "a.id")
    .where("a.week_id", weekId)
    .select("a.id", "a.unit_id", "a.city", "a.title", "a.ends_at", "n.id as news_id", "n.late")
    .orderBy([{ column: "a.starts_at" }, { column: "a.id" }]);
  if (city) query.where("a.city", city);
  return (await query).map((row: Record<string, unknown>) => ({
    id: String(row.id),
    unitId: String(row.unit_id),
    city: String(row.city),
    title: String(row.title),
    endsAt: String(row.ends_at),
    newsLate: row.news_id == null ? null : toBool(row.late),
  }));
}

/** The week's filed unit summaries (of a city's units, or all). */
export async function filedSummaries(
  db: Knex,
  weekId: string,
  city?: string,
): Promise<{ unitId: string; late: boolean }[]> {
  const query = db("unit_summaries as s").join("units as u", "u.id", "s.unit_id").where("s.week_id", weekId);
  if (city) query.where("u.city", city);
  return (await query.select("s.unit_id", "s.late")).map((row: Record<string, unknown>) => ({
    unitId: String(row.unit_id),
    late: toBool(row.late),
  }));
}

export async function findPackage(db: Knex, weekId: string, city: string): Promise<PackageRow | null> {
  const row = await db<Record<string, unknown>>("city_packages").where({ week_id: weekId, city }).first();
  return row ? packageOf(row) : null;
}

export async function listPackages(db: Knex, weekId: string): Promise<PackageRow[]> {
  return (await db<Record<string, unknown>>("city_packages").where({ week_id: weekId }).orderBy("city")).map(packageOf);
}

/** Inserts the package unless the city's is already there (submitted meanwhile by another request): then nothing. */
export async function insertPackage(db: Knex, row: PackageRow): Promise<void> {
  await db("city_packages")
    .insert({
      id: row.id,
      week_id: row.weekId,
      city: row.city,
      submitted_at: row.submittedAt,
      submitted_by: row.submittedBy,
    })
    .onConflict(["week_id", "city"])
    .ignore();
}
