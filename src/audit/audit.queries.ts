import type { Knex } from "knex";
import { parseJson } from "../db/dialect.js";

export interface AuditRecord {
  id: number;
  at: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
  /** The contest the record is about (itself, or the contest of the entry), with its title. */
  contestId: string | null;
  contestTitle: string | null;
  /** The entry's code or the user's name, where the target is one. */
  targetName: string | null;
}

export interface AuditFilter {
  targetType?: string;
  targetId?: string;
  contestId?: string;
  actorId?: string;
  action?: string;
}

export async function insertAudit(
  db: Knex,
  record: {
    at: string;
    actorId: string | null;
    action: string;
    targetType: string;
    targetId: string | null;
    details: unknown;
  },
): Promise<void> {
  await db("audit_log").insert({
    at: record.at,
    actor_id: record.actorId,
    action: record.action,
    target_type: record.targetType,
    target_id: record.targetId,
    details: JSON.stringify(record.details ?? {}),
  });
}

/**
 * Joins that name the target: a contest's title, an entry's code and contest, a user's name. Ids are
 * random UUIDs, unique across tables, so the target id alone finds the one row it names.
 */
function withNames(db: Knex, log: Knex.QueryBuilder) {
  return db
    .from(log.as("audit_log"))
    .leftJoin("users as actor", "actor.id", "audit_log.actor_id")
    .leftJoin("entries as te", "te.id", "audit_log.target_id")
    .leftJoin("contests as tc", "tc.id", "audit_log.target_id")
    .leftJoin("contests as ec", "ec.id", "te.contest_id")
    .leftJoin("users as tu", "tu.id", "audit_log.target_id");
}

export async function listAudit(
  db: Knex,
  filter: AuditFilter & { limit: number; offset: number },
): Promise<AuditRecord[]> {
  // The page of the log first, then the names of its few rows: every filter is on the log's own
  // columns, so the joins need not run for the rows the page leaves out (issue 11, goal 7).
  const page = db("audit_log").orderBy("id", "desc").limit(filter.limit).offset(filter.offset);
  if (filter.targetType) page.where("target_type", filter.targetType);
  if (filter.targetId) page.where("target_id", filter.targetId);
  if (filter.actorId) page.where("actor_id", filter.actorId);
  if (filter.action) page.where("action", filter.action);
  // The contest itself or one of its entries, as one list of target ids: an OR across the joined
  // contests and entries could use no index and read the whole log on PostgreSQL (issue 11, goal 7).
  if (filter.contestId)
    page.whereIn(
      "target_id",
      db("entries")
        .where("contest_id", filter.contestId)
        .select("id")
        .union(db.raw("select ?", [filter.contestId])),
    );
  const query = withNames(db, page)
    .select(
      "audit_log.*",
      "actor.name as actor_name",
      "te.code as entry_code",
      "tu.name as user_name",
      db.raw("coalesce(tc.id, ec.id) as contest_id"),
      db.raw("coalesce(tc.title, ec.title) as contest_title"),
    )
    .orderBy("audit_log.id", "desc");
  return (await query).map((row: Record<string, unknown>) => ({
    id: Number(row.id),
    at: String(row.at),
    actorId: (row.actor_id as string | null) ?? null,
    actorName: (row.actor_name as string | null) ?? null,
    action: String(row.action),
    targetType: String(row.target_type),
    targetId: (row.target_id as string | null) ?? null,
    details: parseJson<Record<string, unknown>>(row.details, {}),
    contestId: (row.contest_id as string | null) ?? null,
    contestTitle: (row.contest_title as string | null) ?? null,
    targetName: ((row.entry_code ?? row.user_name) as string | null) ?? null,
  }));
}

/**
 * The distinct values of an indexed audit_log column, one index probe per value (a loose index scan):
 * `select distinct` reads the column's whole index, which grows with every audited step (issue 11, goal 7).
 */
function distinctValues(db: Knex, column: "action" | "actor_id") {
  return db<{ value: string }>("v")
    .withRecursive(
      "v",
      ["value"],
      db.raw(
        "select min(??) from audit_log union all select (select min(??) from audit_log where ?? > v.value) from v where v.value is not null",
        [column, column, column],
      ),
    )
    .whereNotNull("value")
    .select("value");
}

/** Everyone who has acted, for the filter's list (a few hundred organizers, coordinators and judges at most). */
export async function auditActors(db: Knex): Promise<{ id: string; name: string }[]> {
  const rows: { id: string; name: string }[] = await db<{ id: string; name: string }>("users")
    .whereIn("id", distinctValues(db, "actor_id"))
    .select("id", "name")
    .orderBy("name");
  return rows;
}

/** Names of the users, entries and contests that details mention by id (a swap's judges, a replacement). */
export async function namesOfIds(db: Knex, ids: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (ids.length === 0) return names;
  const named = (table: string, column: string): Promise<{ id: string; name: string }[]> =>
    db(table).whereIn("id", ids).select("id", `${column} as name`);
  const found = await Promise.all([named("users", "name"), named("entries", "code"), named("contests", "title")]);
  for (const row of found.flat()) names.set(row.id, row.name);
  return names;
}

/** Every action the log holds, for the filter's list. */
export async function auditActions(db: Knex): Promise<string[]> {
  const rows: { value: string }[] = await distinctValues(db, "action").orderBy("value");
  return rows.map((r) => r.value);
}
