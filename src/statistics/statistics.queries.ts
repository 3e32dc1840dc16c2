import type { Knex } from "knex";
import { toNumber } from "../db/dialect.js";

/** Which entries count: one contest or the whole week, and for a coordinator his city only. */
export interface StatisticsScope {
  contestId?: string;
  city?: string;
}

export interface EntryCounts {
  /** The city's name or the unit's identity key. */
  key: string;
  /** The unit as one of its entries spells it (units only). */
  name: string;
  submitted: number;
  failed: number;
  recommended: number;
}

function scoped(db: Knex, scope: StatisticsScope, cityColumn = "city") {
  const query = db("entries").whereNot("status", "withdrawn");
  if (scope.contestId) query.where("contest_id", scope.contestId);
  if (scope.city) query.where(cityColumn, scope.city);
  return query;
}

// Format-review failures are the entries an organizer disqualified: the review's outcome, not its open flags.
const FAILED = "sum(case when status = 'disqualified' then 1 else 0 end)";
const RECOMMENDED = "sum(case when recommended_at is not null then 1 else 0 end)";

const counts = (row: Record<string, unknown>): EntryCounts => ({
  key: (row.key as string | null) ?? "",
  name: (row.name as string | null) ?? "",
  submitted: toNumber(row.submitted),
  failed: toNumber(row.failed),
  recommended: toNumber(row.recommended),
});

/**
 * Entries by the city they name: submitted (not withdrawn) and failed. Recommendations are counted
 * apart, by the city that made them (recommendationsByCity), as the quota counts them.
 */
export async function entriesByCity(db: Knex, scope: StatisticsScope): Promise<EntryCounts[]> {
  const rows: Record<string, unknown>[] = await scoped(db, scope)
    .select("city as key", db.raw("count(*) as submitted"), db.raw(`${FAILED} as failed`))
    .groupBy("city");
  return rows.map((row) => counts({ ...row, name: row.key, recommended: 0 }));
}

/** Standing recommendations by contest and by the city whose coordinator made them (the quota's count). */
export async function recommendationsByCity(
  db: Knex,
  scope: StatisticsScope,
): Promise<{ contestId: string; city: string; recommended: number }[]> {
  const rows: Record<string, unknown>[] = await scoped(db, scope, "recommended_city")
    .whereNotNull("recommended_at")
    .select("contest_id", "recommended_city", db.raw("count(*) as n"))
    .groupBy("contest_id", "recommended_city");
  return rows.map((row) => ({
    contestId: String(row.contest_id),
    city: (row.recommended_city as string | null) ?? "",
    recommended: toNumber(row.n),
  }));
}

/** Entries by unit (its identity key, so 河北大学 and 河北 大学 are one unit). */
export async function entriesByUnit(db: Knex, scope: StatisticsScope): Promise<EntryCounts[]> {
  const rows: Record<string, unknown>[] = await scoped(db, scope)
    .select(
      "unit_key as key",
      db.raw("min(unit) as name"),
      db.raw("count(*) as submitted"),
      db.raw(`${FAILED} as failed`),
      db.raw(`${RECOMMENDED} as recommended`),
    )
    .groupBy("unit_key");
  return rows.map(counts);
}
