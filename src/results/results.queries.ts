import type { Knex } from "knex";
import { parseJson } from "../db/dialect.js";

export interface SnapshotRow {
  id: string;
  contestId: string;
  number: number;
  kind: "notice" | "revision" | "final";
  canonicalJson: string;
  sha256: string;
  createdAt: string;
}

export interface ObjectionRow {
  id: string;
  contestId: string;
  entryId: string;
  userId: string;
  text: string;
  evidenceKey: string | null;
  evidenceName: string | null;
  evidenceType: string | null;
  status: "open" | "upheld" | "rejected";
  reply: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  createdAt: string;
  /** Re-scoring ordered when upheld: the fresh judge's assignment, and when the results were republished from it. */
  rescoreAssignmentId: string | null;
  republishedAt: string | null;
}

function snapshotFromRow(row: Record<string, unknown>): SnapshotRow {
  return {
    id: String(row.id),
    contestId: String(row.contest_id),
    number: Number(row.number),
    kind: row.kind as SnapshotRow["kind"],
    canonicalJson: String(row.canonical_json),
    sha256: String(row.sha256),
    createdAt: String(row.created_at),
  };
}

function objectionFromRow(row: Record<string, unknown>): ObjectionRow {
  return {
    id: String(row.id),
    contestId: String(row.contest_id),
    entryId: String(row.entry_id),
    userId: String(row.user_id),
    text: String(row.text),
    evidenceKey: (row.evidence_key as string | null) ?? null,
    evidenceName: (row.evidence_name as string | null) ?? null,
    evidenceType: (row.evidence_type as string | null) ?? null,
    status: row.status as ObjectionRow["status"],
    reply: (row.reply as string | null) ?? null,
    resolvedBy: (row.resolved_by as string | null) ?? null,
    resolvedAt: (row.resolved_at as string | null) ?? null,
    createdAt: String(row.created_at),
    rescoreAssignmentId: (row.rescore_assignment_id as string | null) ?? null,
    republishedAt: (row.republished_at as string | null) ?? null,
  };
}

export async function saveComputed(
  db: Knex,
  contestId: string,
  roundId: string,
  at: string,
  data: unknown,
): Promise<void> {
  await db("computed_results")
    .insert({ contest_id: contestId, round_id: roundId, computed_at: at, data: JSON.stringify(data) })
    .onConflict(["contest_id", "round_id"])
    .merge();
}

/** A round's stored computation; without a round, the contest's current (last) round's. */
export async function findComputed<T>(
  db: Knex,
  contestId: string,
  roundId?: string,
): Promise<{ roundId: string; computedAt: string; data: T } | null> {
  const lastRound = db("rounds").where({ contest_id: contestId }).orderBy("number", "desc").limit(1).select("id");
  const row = await db<Record<string, unknown>>("computed_results")
    .where({ contest_id: contestId })
    .andWhere("round_id", roundId ?? lastRound)
    .first();
  return row
    ? { roundId: String(row.round_id), computedAt: String(row.computed_at), data: parseJson<T>(row.data, {} as T) }
    : null;
}

export async function snapshotsOf(db: Knex, contestId: string): Promise<SnapshotRow[]> {
  return (await db("result_snapshots").where({ contest_id: contestId }).orderBy("number")).map(snapshotFromRow);
}

/** The snapshots' list without their text, which a page reads only when it has not parsed it already. */
export async function snapshotListOf(db: Knex, contestId: string): Promise<Omit<SnapshotRow, "canonicalJson">[]> {
  const rows = await db("result_snapshots")
    .where({ contest_id: contestId })
    .orderBy("number")
    .select("id", "contest_id", "number", "kind", "sha256", "created_at");
  return rows.map((row: Record<string, unknown>) => {
    const { canonicalJson: _text, ...listed } = snapshotFromRow({ ...row, canonical_json: "" });
    return listed;
  });
}

export async function snapshotJsonOf(db: Knex, id: string): Promise<string> {
  const row = await db("result_snapshots").where({ id }).first<{ canonical_json: string }>("canonical_json");
  return String(row?.canonical_json);
}

export async function insertSnapshot(db: Knex, snapshot: SnapshotRow): Promise<void> {
  await db("result_snapshots").insert({
    id: snapshot.id,
    contest_id: snapshot.contestId,
    number: snapshot.number,
    kind: snapshot.kind,
    canonical_json: snapshot.canonicalJson,
    sha256: snapshot.sha256,
    created_at: snapshot.createdAt,
  });
}

export async function insertObjection(db: Knex, o: ObjectionRow): Promise<void> {
  await db("objections").insert({
    id: o.id,
    contest_id: o.contestId,
    entry_id: o.entryId,
    user_id: o.userId,
    text: o.text,
    evidence_key: o.evidenceKey,
    evidence_name: o.evidenceName,
    evidence_type: o.evidenceType,
    status: o.status,
    reply: o.reply,
    resolved_by: o.resolvedBy,
    resolved_at: o.resolvedAt,
    created_at: o.createdAt,
  });
}

export async function objectionsOf(
  db: Knex,
  contestId: string,
  filter: { userId?: string } = {},
): Promise<(ObjectionRow & { userName: string; entryCode: string })[]> {
  const query = db("objections")
    .join("users", "users.id", "objections.user_id")
    .join("entries", "entries.id", "objections.entry_id")
    .where("objections.contest_id", contestId)
    .orderBy("objections.created_at")
    .select("objections.*", "users.name as user_name", "entries.code as entry_code");
  if (filter.userId) query.andWhere("objections.user_id", filter.userId);
  return (await query).map((row: Record<string, unknown>) => ({
    ...objectionFromRow(row),
    userName: String(row.user_name),
    entryCode: String(row.entry_code),
  }));
}

export async function findObjection(db: Knex, id: string): Promise<ObjectionRow | null> {
  const row = await db<Record<string, unknown>>("objections").where({ id }).first();
  return row ? objectionFromRow(row) : null;
}

export async function resolveObjection(
  db: Knex,
  id: string,
  changes: { status: ObjectionRow["status"]; reply: string; resolvedBy: string; resolvedAt: string },
): Promise<void> {
  await db("objections").where({ id }).update({
    status: changes.status,
    reply: changes.reply,
    resolved_by: changes.resolvedBy,
    resolved_at: changes.resolvedAt,
  });
}

export async function setObjectionRescore(db: Knex, id: string, assignmentId: string): Promise<void> {
  await db("objections").where({ id }).update({ rescore_assignment_id: assignmentId });
}

export async function markRepublished(db: Knex, id: string, at: string): Promise<void> {
  await db("objections").where({ id }).update({ republished_at: at });
}

/** Re-scorings ordered by upheld objections whose results are not republished yet. */
export async function countPendingRescores(db: Knex, contestId: string): Promise<number> {
  const [row] = await db("objections")
    .where({ contest_id: contestId })
    .whereNotNull("rescore_assignment_id")
    .whereNull("republished_at")
    .count({ n: "*" });
  return Number(row?.n ?? 0);
}

export async function countOpenObjections(db: Knex, contestId: string): Promise<number> {
  const [row] = await db("objections").where({ contest_id: contestId, status: "open" }).count({ n: "*" });
  return Number(row?.n ?? 0);
}

/** The organizer's choices for the contest's named awards, by award key, in the order chosen. */
export async function awardChoicesOf(
  db: Knex,
  contestId: string,
): Promise<Map<string, { entryId: string; reason: string }[]>> {
  const rows = await db<Record<string, unknown>>("award_choices")
    .where({ contest_id: contestId })
    .orderBy(["award_key", "chosen_at", "entry_id"]);
  const byKey = new Map<string, { entryId: string; reason: string }[]>();
  for (const row of rows) {
    const key = String(row.award_key);
    const list = byKey.get(key) ?? [];
    list.push({ entryId: String(row.entry_id), reason: String(row.reason) });
    byKey.set(key, list);
  }
  return byKey;
}

/** Replaces one award's choices. */
export async function replaceAwardChoices(
  db: Knex,
  contestId: string,
  awardKey: string,
  choices: readonly { entryId: string; reason: string }[],
  by: { userId: string; at: string },
): Promise<void> {
  await db("award_choices").where({ contest_id: contestId, award_key: awardKey }).delete();
  if (choices.length > 0)
    await db("award_choices").insert(
      choices.map((c) => ({
        contest_id: contestId,
        award_key: awardKey,
        entry_id: c.entryId,
        reason: c.reason,
        chosen_by: by.userId,
        chosen_at: by.at,
      })),
    );
}

/** The short panels accepted in a round (DESIGN §3), by entry: the sheets seen and the reason. */
export async function shortPanelAcceptances(
  db: Knex,
  roundId: string,
): Promise<Map<string, { sheets: number; reason: string }>> {
  const rows = await db<Record<string, unknown>>("short_panel_acceptances").where({ round_id: roundId });
  return new Map(rows.map((r) => [String(r.entry_id), { sheets: Number(r.sheets), reason: String(r.reason) }]));
}

/** Accepts an entry's short panel, replacing an earlier acceptance of the same entry and round. */
export async function saveShortPanelAcceptance(
  db: Knex,
  a: {
    id: string;
    contestId: string;
    roundId: string;
    entryId: string;
    sheets: number;
    required: number;
    reason: string;
    acceptedBy: string;
    acceptedAt: string;
  },
): Promise<void> {
  await db("short_panel_acceptances").where({ round_id: a.roundId, entry_id: a.entryId }).delete();
  await db("short_panel_acceptances").insert({
    id: a.id,
    contest_id: a.contestId,
    round_id: a.roundId,
    entry_id: a.entryId,
    sheets: a.sheets,
    required: a.required,
    reason: a.reason,
    accepted_by: a.acceptedBy,
    accepted_at: a.acceptedAt,
  });
}
