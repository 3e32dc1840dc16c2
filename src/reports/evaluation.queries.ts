import type { Knex } from "knex";
import { toBool, toNumber } from "../db/dialect.js";

export interface EvaluationUnitRow {
  id: string;
  name: string;
  city: string;
  kind: string;
}

/** The cities whose package for the week is submitted. */
export async function submittedCities(db: Knex, weekId: string): Promise<string[]> {
  return (await db("city_packages").where({ week_id: weekId }).orderBy("city").pluck("city")).map(String);
}

/** The cities with activities in the week: those whose packages an evaluation of every city waits for. */
export async function citiesWithActivities(db: Knex, weekId: string): Promise<string[]> {
  return (await db("activities").where({ week_id: weekId }).distinct("city").orderBy("city").pluck("city")).map(String);
}

/** The units of these cities that took part in the week (an activity or a summary), by city and name. */
export async function unitsInWeek(db: Knex, weekId: string, cities: string[]): Promise<EvaluationUnitRow[]> {
  const rows = await db<Record<string, unknown>>("units")
    .whereIn("city", cities)
    .whereIn(
      "id",
      db("activities")
        .where({ week_id: weekId })
        .select("unit_id")
        .union(db("unit_summaries").where({ week_id: weekId }).select("unit_id")),
    )
    .orderBy(["city", "name_key"])
    .select("id", "name", "city", "kind");
  return rows.map((r) => ({ id: String(r.id), name: String(r.name), city: String(r.city), kind: String(r.kind) }));
}

export interface UnitCounts {
  activities: number;
  onTime: number;
  late: number;
  /** null: no summary filed. */
  summaryLate: boolean | null;
}

/** One unit's activities, news reports filed on time and late, and its summary in the week. */
export async function unitCounts(db: Knex, weekId: string, unitId: string): Promise<UnitCounts> {
  const activities = await db("activities").where({ week_id: weekId, unit_id: unitId }).count({ n: "*" }).first();
  const news: { late: unknown; n: unknown }[] = await db("news_reports")
    .join("activities", "activities.id", "news_reports.activity_id")
    .where({ "activities.week_id": weekId, "activities.unit_id": unitId })
    .groupBy("news_reports.late")
    .select("news_reports.late")
    .count({ n: "*" });
  const summary: { late: unknown } | undefined = await db("unit_summaries")
    .where({ week_id: weekId, unit_id: unitId })
    .first("late");
  const filed = (late: boolean) =>
    news.filter((r) => toBool(r.late) === late).reduce((sum, r) => sum + toNumber(r.n), 0);
  return {
    activities: toNumber(activities?.n ?? 0),
    onTime: filed(false),
    late: filed(true),
    summaryLate: summary ? toBool(summary.late) : null,
  };
}

export async function findEvaluationOfWeek(db: Knex, weekId: string): Promise<{ contestId: string } | null> {
  const row = await db<Record<string, unknown>>("report_evaluations").where({ week_id: weekId }).first();
  return row ? { contestId: String(row.contest_id) } : null;
}

/** These weeks' evaluation contests, and their submitted cities: what the weeks page shows per week. */
export async function evaluationsOfWeeks(
  db: Knex,
  weekIds: string[],
): Promise<{ weekId: string; contestId: string }[]> {
  const rows: { week_id: string; contest_id: string }[] = await db("report_evaluations")
    .whereIn("week_id", weekIds)
    .select("week_id", "contest_id");
  return rows.map((r) => ({ weekId: String(r.week_id), contestId: String(r.contest_id) }));
}

export async function submittedCitiesOfWeeks(db: Knex, weekIds: string[]): Promise<{ weekId: string; city: string }[]> {
  const rows: { week_id: string; city: string }[] = await db("city_packages")
    .whereIn("week_id", weekIds)
    .orderBy(["week_id", "city"])
    .select("week_id", "city");
  return rows.map((r) => ({ weekId: String(r.week_id), city: String(r.city) }));
}

export async function insertEvaluation(
  db: Knex,
  row: { weekId: string; contestId: string; createdAt: string },
): Promise<void> {
  await db("report_evaluations").insert({ week_id: row.weekId, contest_id: row.contestId, created_at: row.createdAt });
}

/** The week and unit an evaluation contest's entry stands for (its unit key is the unit's name key); null for other entries. */
export async function unitOfEvaluationEntry(
  db: Knex,
  entryId: string,
): Promise<{ weekId: string; unitId: string } | null> {
  const row: { week_id: string; id: string } | undefined = await db("entries")
    .join("report_evaluations", "report_evaluations.contest_id", "entries.contest_id")
    .join("units", "units.name_key", "entries.unit_key")
    .where("entries.id", entryId)
    .first("report_evaluations.week_id", "units.id");
  return row ? { weekId: String(row.week_id), unitId: String(row.id) } : null;
}

export interface UnitNewsRow {
  id: string;
  /** The activity's title and start. */
  title: string;
  startsAt: string;
  text: string;
  late: boolean;
}

/** The unit's news reports in the week, by the start of their activities. */
export async function newsOfUnit(db: Knex, weekId: string, unitId: string): Promise<UnitNewsRow[]> {
  const rows: Record<string, unknown>[] = await db("news_reports")
    .join("activities", "activities.id", "news_reports.activity_id")
    .where({ "activities.week_id": weekId, "activities.unit_id": unitId })
    .orderBy([{ column: "activities.starts_at" }, { column: "news_reports.id" }])
    .select("news_reports.id", "activities.title", "activities.starts_at", "news_reports.text", "news_reports.late");
  return rows.map((r) => ({
    id: String(r.id),
    title: String(r.title),
    startsAt: String(r.starts_at),
    text: String(r.text),
    late: toBool(r.late),
  }));
}

/** The id of the unit's summary in the week, if filed. */
export async function summaryOfUnit(db: Knex, weekId: string, unitId: string): Promise<string | null> {
  const row: { id: string } | undefined = await db("unit_summaries")
    .where({ week_id: weekId, unit_id: unitId })
    .first("id");
  return row ? String(row.id) : null;
}

/** The week and unit a news report or a summary belongs to. */
export async function ownerOfReportFile(
  db: Knex,
  owner: { ownerType: "news" | "summary"; ownerId: string },
): Promise<{ weekId: string; unitId: string } | null> {
  const row: { week_id: string; unit_id: string } | undefined =
    owner.ownerType === "news"
      ? await db("news_reports")
          .join("activities", "activities.id", "news_reports.activity_id")
          .where("news_reports.id", owner.ownerId)
          .first("activities.week_id", "activities.unit_id")
      : await db("unit_summaries").where({ id: owner.ownerId }).first("week_id", "unit_id");
  return row ? { weekId: String(row.week_id), unitId: String(row.unit_id) } : null;
}

/** Whether the judge is assigned the unit's entry in the week's evaluation contest. */
export async function judgeAssignedToUnit(db: Knex, judgeId: string, weekId: string, unitId: string): Promise<boolean> {
  const row: unknown = await db("assignments")
    .join("entries", "entries.id", "assignments.entry_id")
    .join("report_evaluations", "report_evaluations.contest_id", "entries.contest_id")
    .join("units", "units.name_key", "entries.unit_key")
    .where({ "assignments.judge_id": judgeId, "report_evaluations.week_id": weekId, "units.id": unitId })
    .first("assignments.id");
  return row !== undefined;
}
