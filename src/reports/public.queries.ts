import type { Knex } from "knex";
import { toNumber } from "../db/dialect.js";

/**
 * Published news: a news report whose activity's city has submitted its package for that week
 * (DESIGN §3). Every public read starts here, so nothing unpublished can leak through another path.
 */
function published(db: Knex) {
  return db<Record<string, unknown>>("news_reports as n")
    .join("activities as a", "a.id", "n.activity_id")
    .join("city_packages as p", (j) => j.on("p.week_id", "a.week_id").andOn("p.city", "a.city"));
}

export async function publishedCountsByCity(db: Knex): Promise<{ city: string; count: number }[]> {
  const rows = (await published(db)
    .select("a.city", db.raw("count(*) as n"))
    .groupBy("a.city")
    .orderBy("a.city")) as Record<string, unknown>[];
  return rows.map((r) => ({ city: String(r.city), count: toNumber(r.n) }));
}

export async function countPublished(db: Knex, city: string): Promise<number> {
  const row = (await published(db).where("a.city", city).count({ n: "*" }).first()) as { n: unknown } | undefined;
  return toNumber(row?.n);
}

/** Only what the public may see: the unit, the activity and the report, never its author. */
export interface PublishedNewsRow {
  id: string;
  unit: string;
  title: string;
  startsAt: string;
  endsAt: string;
  text: string;
}

/** A page of the city's published news, the newest activity first. */
export async function publishedNews(
  db: Knex,
  city: string,
  page: { limit: number; offset: number },
): Promise<PublishedNewsRow[]> {
  const rows = (await published(db)
    .join("units as u", "u.id", "n.unit_id")
    .where("a.city", city)
    .select("n.id", "u.name as unit", "a.title", "a.starts_at", "a.ends_at", "n.text")
    .orderBy([
      { column: "a.starts_at", order: "desc" },
      { column: "n.id", order: "asc" },
    ])
    .limit(page.limit)
    .offset(page.offset)) as Record<string, unknown>[];
  return rows.map((r) => ({
    id: String(r.id),
    unit: String(r.unit),
    title: String(r.title),
    startsAt: String(r.starts_at),
    endsAt: String(r.ends_at),
    text: String(r.text),
  }));
}

export interface PublicFileRow {
  id: string;
  ownerId: string;
  role: string;
  contentType: string;
}

/** The images and videos of these news reports, in their order. */
export async function filesOfNews(db: Knex, newsIds: readonly string[]): Promise<PublicFileRow[]> {
  if (newsIds.length === 0) return [];
  const rows = (await db<Record<string, unknown>>("report_files")
    .where("owner_type", "news")
    .whereIn("owner_id", newsIds)
    .select("id", "owner_id", "role", "content_type")
    .orderBy([{ column: "owner_id" }, { column: "role" }, { column: "position" }])) as Record<string, unknown>[];
  return rows.map((r) => ({
    id: String(r.id),
    ownerId: String(r.owner_id),
    role: String(r.role),
    contentType: String(r.content_type),
  }));
}
