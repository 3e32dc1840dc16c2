import type { Knex } from "knex";
import { toNumber } from "../db/dialect.js";

export interface ActivityRecord {
  id: string;
  weekId: string;
  unitId: string;
  city: string;
  title: string;
  theme: string;
  form: string;
  startsAt: string;
  endsAt: string;
  place: string;
  importKey: string;
  createdAt: string;
  updatedAt: string;
}

export interface ActivityListRow {
  id: string;
  unit: string;
  unitId: string;
  city: string;
  title: string;
  theme: string;
  form: string;
  startsAt: string;
  endsAt: string;
  place: string;
  news: { id: string; late: boolean; dueAt: string; filedAt: string } | null;
}

export interface ActivityFilter {
  weekId: string;
  city?: string;
  /** A unit by id or by its name key. */
  unit?: { id: string; nameKey: string };
  theme?: string;
}

/** The import keys of this week among these (a chunk), with their activities' ids. */
export async function existingKeys(db: Knex, weekId: string, keys: string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows: { id: string; import_key: string }[] = await db("activities")
    .where({ week_id: weekId })
    .whereIn("import_key", keys)
    .select("id", "import_key");
  return new Map(rows.map((r) => [r.import_key, r.id]));
}

/**
 * Inserts a chunk of activities, or updates those whose (week, import key) exists: one statement. An
 * update keeps the activity's id and creation time, so its news report stays attached.
 */
export async function upsertActivities(db: Knex, rows: ActivityRecord[]): Promise<void> {
  if (rows.length === 0) return;
  await db("activities")
    .insert(
      rows.map((r) => ({
        id: r.id,
        week_id: r.weekId,
        unit_id: r.unitId,
        city: r.city,
        title: r.title,
        theme: r.theme,
        form: r.form,
        starts_at: r.startsAt,
        ends_at: r.endsAt,
        place: r.place,
        import_key: r.importKey,
        created_at: r.createdAt,
        updated_at: r.updatedAt,
      })),
    )
    .onConflict(["week_id", "import_key"])
    .merge(["unit_id", "city", "title", "theme", "form", "starts_at", "ends_at", "place", "updated_at"]);
}

function filtered(db: Knex, filter: ActivityFilter): Knex.QueryBuilder {
  const query = db("activities as a").join("units as u", "u.id", "a.unit_id").where("a.week_id", filter.weekId);
  if (filter.city) query.where("a.city", filter.city);
  if (filter.theme) query.where("a.theme", filter.theme);
  const unit = filter.unit;
  if (unit)
    query.andWhere((w) => {
      w.where("u.id", unit.id).orWhere("u.name_key", unit.nameKey);
    });
  return query;
}

/** The week's activities matching the filter, in city, start and title order, with their news reports. */
export async function listActivities(
  db: Knex,
  filter: ActivityFilter,
  page?: { limit: number; offset: number },
): Promise<ActivityListRow[]> {
  const query = filtered(db, filter)
    .leftJoin("news_reports as n", "n.activity_id", "a.id")
    .select(
      "a.id",
      "u.name as unit",
      "a.unit_id",
      "a.city",
      "a.title",
      "a.theme",
      "a.form",
      "a.starts_at",
      "a.ends_at",
      "a.place",
      "n.id as news_id",
      "n.late as news_late",
      "n.due_at as news_due_at",
      "n.filed_at as news_filed_at",
    )
    .orderBy([{ column: "a.city" }, { column: "a.starts_at" }, { column: "a.title" }, { column: "a.id" }]);
  if (page) query.limit(page.limit).offset(page.offset);
  const rows = (await query) as Record<string, unknown>[];
  return rows.map((r) => ({
    id: String(r.id),
    unit: String(r.unit),
    unitId: String(r.unit_id),
    city: String(r.city),
    title: String(r.title),
    theme: String(r.theme),
    form: String(r.form),
    startsAt: String(r.starts_at),
    endsAt: String(r.ends_at),
    place: String(r.place),
    news:
      typeof r.news_id === "string"
        ? {
            id: String(r.news_id),
            late: Boolean(r.news_late),
            dueAt: String(r.news_due_at),
            filedAt: String(r.news_filed_at),
          }
        : null,
  }));
}

export async function countActivities(db: Knex, filter: ActivityFilter): Promise<number> {
  const rows = await filtered(db, filter).count<Record<string, unknown>[]>({ n: "a.id" });
  return toNumber(rows[0]?.n);
}
