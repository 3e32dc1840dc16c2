import type { Knex } from "knex";
import { parseJson, toBool, toNumber } from "../db/dialect.js";
import type { ContentType } from "../media/content-type.js";
import type { VideoFacts } from "../media/probe.js";
import type { Author, EntryStatus } from "./entries.schemas.js";

export interface EntryRow {
  id: string;
  contestId: string;
  seq: number;
  code: string;
  ownerId: string;
  title: string;
  summary: string;
  category: string;
  city: string;
  unit: string;
  authors: Author[];
  firstAuthorKey: string;
  unitKey: string;
  status: EntryStatus;
  statusReason: string | null;
  recommendedAt: string | null;
  recommendedBy: string | null;
  /** The recommending coordinator's city at the time: whose quota the recommendation uses. */
  recommendedCity: string | null;
  /** When an owner's edit last cleared a recommendation (shown to the owner and the coordinator); null once recommended again. */
  recommendationClearedAt: string | null;
  talkSeconds: number | null;
  safetyFailed: boolean;
  /** Public vote count (网络投票); null until recorded. */
  publicVotes: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface EntryFileRow {
  id: string;
  entryId: string;
  role: string;
  storageKey: string;
  originalName: string;
  contentType: ContentType;
  size: number;
  sha256: string;
  probe: VideoFacts | null;
  /** The judges' anonymized copy (DESIGN §4 "Blind files"); null when judges never see the file, or not made yet. */
  blind: { storageKey: string; size: number } | null;
  createdAt: string;
}

const nullableNumber = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

function entryFromRow(row: Record<string, unknown>): EntryRow {
  return {
    id: String(row.id),
    contestId: String(row.contest_id),
    seq: Number(row.seq),
    code: String(row.code),
    ownerId: String(row.owner_id),
    title: String(row.title),
    summary: (row.summary as string | null) ?? "",
    category: String(row.category),
    city: String(row.city),
    unit: (row.unit as string | null) ?? "",
    authors: parseJson<Author[]>(row.authors, []),
    firstAuthorKey: String(row.first_author_key),
    unitKey: String(row.unit_key),
    status: row.status as EntryStatus,
    statusReason: (row.status_reason as string | null) ?? null,
    recommendedAt: (row.recommended_at as string | null) ?? null,
    recommendedBy: (row.recommended_by as string | null) ?? null,
    recommendedCity: (row.recommended_city as string | null) ?? null,
    recommendationClearedAt: (row.recommendation_cleared_at as string | null) ?? null,
    talkSeconds: nullableNumber(row.talk_seconds),
    safetyFailed: toBool(row.safety_failed),
    publicVotes: nullableNumber(row.public_votes),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

function fileFromRow(row: Record<string, unknown>): EntryFileRow {
  return {
    id: String(row.id),
    entryId: String(row.entry_id),
    role: String(row.role),
    storageKey: String(row.storage_key),
    originalName: String(row.original_name),
    contentType: row.content_type as ContentType,
    size: toNumber(row.size),
    sha256: String(row.sha256),
    probe: parseJson<VideoFacts | null>(row.probe, null),
    blind:
      typeof row.blind_storage_key === "string"
        ? { storageKey: row.blind_storage_key, size: toNumber(row.blind_size) }
        : null,
    createdAt: String(row.created_at),
  };
}

const ENTRY_COLUMNS: Record<string, string> = {
  title: "title",
  summary: "summary",
  category: "category",
  city: "city",
  unit: "unit",
  firstAuthorKey: "first_author_key",
  unitKey: "unit_key",
  status: "status",
  statusReason: "status_reason",
  recommendedAt: "recommended_at",
  recommendedBy: "recommended_by",
  recommendedCity: "recommended_city",
  recommendationClearedAt: "recommendation_cleared_at",
  talkSeconds: "talk_seconds",
  safetyFailed: "safety_failed",
  publicVotes: "public_votes",
  updatedAt: "updated_at",
};

export async function insertEntry(db: Knex, entry: EntryRow): Promise<void> {
  await db("entries").insert({
    id: entry.id,
    contest_id: entry.contestId,
    seq: entry.seq,
    code: entry.code,
    owner_id: entry.ownerId,
    title: entry.title,
    summary: entry.summary,
    category: entry.category,
    city: entry.city,
    unit: entry.unit,
    authors: JSON.stringify(entry.authors),
    first_author_key: entry.firstAuthorKey,
    unit_key: entry.unitKey,
    status: entry.status,
    status_reason: entry.statusReason,
    recommended_at: entry.recommendedAt,
    recommended_by: entry.recommendedBy,
    recommended_city: entry.recommendedCity,
    recommendation_cleared_at: entry.recommendationClearedAt,
    talk_seconds: entry.talkSeconds,
    safety_failed: entry.safetyFailed,
    public_votes: entry.publicVotes,
    created_at: entry.createdAt,
    updated_at: entry.updatedAt,
  });
}

export async function updateEntry(db: Knex, id: string, changes: Partial<EntryRow>): Promise<void> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) {
    if (key === "authors") row.authors = JSON.stringify(value);
    else if (ENTRY_COLUMNS[key]) row[ENTRY_COLUMNS[key]] = value;
  }
  await db("entries").where({ id }).update(row);
}

export async function findEntry(db: Knex, id: string): Promise<EntryRow | null> {
  const row = await db<Record<string, unknown>>("entries").where({ id }).first();
  return row ? entryFromRow(row) : null;
}

export interface EntryFilter {
  contestId: string;
  ownerId?: string;
  city?: string;
  category?: string;
  status?: EntryStatus;
  recommended?: boolean;
  search?: string;
}

export async function listEntries(db: Knex, filter: EntryFilter): Promise<EntryRow[]> {
  const query = db("entries").where({ contest_id: filter.contestId }).orderBy("seq");
  if (filter.ownerId) query.andWhere({ owner_id: filter.ownerId });
  if (filter.city) query.andWhere({ city: filter.city });
  if (filter.category) query.andWhere({ category: filter.category });
  if (filter.status) query.andWhere({ status: filter.status });
  if (filter.recommended !== undefined) {
    query.andWhere((q) => {
      if (filter.recommended) q.whereNotNull("recommended_at");
      else q.whereNull("recommended_at");
    });
  }
  if (filter.search) {
    const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query.andWhere((q) => {
      q.whereRaw("lower(title) like lower(?) escape '\\'", [like])
        .orWhereRaw("lower(code) like lower(?) escape '\\'", [like])
        .orWhereRaw("lower(authors) like lower(?) escape '\\'", [like])
        .orWhereRaw("lower(unit) like lower(?) escape '\\'", [like]);
    });
  }
  return (await query).map(entryFromRow);
}

/** What computing results needs of an entry: a lean row, read by the hundred thousand. */
export interface EntrySummary {
  id: string;
  code: string;
  title: string;
  /** Null also when not asked for. */
  talkSeconds: number | null;
  /** Null also when not asked for. */
  publicVotes: number | null;
}

/**
 * A contest's submitted entries as summaries, in seq order (the unique index on (contest_id, seq)
 * serves the filter and the order): only those recommended, or not failing the safety check,
 * when asked; the talk time and the public votes only when asked.
 */
export async function listSubmittedSummaries(
  db: Knex,
  contestId: string,
  options: { recommendedOnly: boolean; safeOnly: boolean; talkSeconds: boolean; publicVotes?: boolean },
): Promise<EntrySummary[]> {
  const columns = [
    "id",
    "code",
    "title",
    ...(options.talkSeconds ? ["talk_seconds"] : []),
    ...(options.publicVotes ? ["public_votes"] : []),
  ];
  const query = db<Record<string, unknown>>("entries")
    .where({ contest_id: contestId, status: "submitted" })
    .orderBy("seq")
    .select(columns);
  if (options.recommendedOnly) query.whereNotNull("recommended_at");
  if (options.safeOnly) query.where("safety_failed", false);
  const rows: Record<string, unknown>[] = await query;
  const entries = new Array<EntrySummary>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    entries[i] = {
      id: String(row.id),
      code: String(row.code),
      title: String(row.title),
      talkSeconds: nullableNumber(row.talk_seconds),
      publicVotes: nullableNumber(row.public_votes),
    };
  }
  return entries;
}

/** Sets the listed entries' public votes (by id), one statement per count and chunk; the contest's other entries get 0. */
export async function replacePublicVotes(db: Knex, contestId: string, votes: Map<string, number>): Promise<void> {
  await db("entries").where({ contest_id: contestId }).update({ public_votes: 0 });
  const groups = new Map<number, string[]>();
  for (const [id, count] of votes) if (count !== 0) groups.set(count, [...(groups.get(count) ?? []), id]);
  for (const [count, ids] of groups) {
    for (let i = 0; i < ids.length; i += 500)
      await db("entries")
        .whereIn("id", ids.slice(i, i + 500))
        .update({ public_votes: count });
  }
}

export async function listOwnEntries(db: Knex, ownerId: string): Promise<(EntryRow & { contestTitle: string })[]> {
  const rows = await db("entries")
    .join("contests", "contests.id", "entries.contest_id")
    .where("entries.owner_id", ownerId)
    .orderBy("entries.created_at", "desc")
    .select("entries.*", "contests.title as contest_title");
  return rows.map((row: Record<string, unknown>) => ({
    ...entryFromRow(row),
    contestTitle: String(row.contest_title),
  }));
}

export async function nextSeq(db: Knex, contestId: string): Promise<number> {
  const [row] = await db("entries").where({ contest_id: contestId }).max({ seq: "seq" });
  return toNumber(row?.seq) + 1;
}

/** Active (not withdrawn) entries of a contest sharing a key, optionally leaving one entry out. */
export async function countActiveBy(
  db: Knex,
  contestId: string,
  column: "first_author_key" | "unit_key",
  key: string,
  exceptId?: string,
): Promise<number> {
  const query = db("entries")
    .where({ contest_id: contestId, [column]: key })
    .whereNot({ status: "withdrawn" });
  if (exceptId) query.whereNot({ id: exceptId });
  const [row] = await query.count({ n: "*" });
  return toNumber(row?.n);
}

/** Every entry the account submitted to the contest, withdrawn ones included. */
export async function countByOwner(db: Knex, contestId: string, ownerId: string): Promise<number> {
  const [row] = await db("entries").where({ contest_id: contestId, owner_id: ownerId }).count({ n: "*" });
  return toNumber(row?.n);
}

/** Recommendations made by a city's coordinators (by the city they were made for, not the city the entry names now). */
export async function countRecommended(db: Knex, contestId: string, city: string): Promise<number> {
  const [row] = await db("entries")
    .where({ contest_id: contestId, recommended_city: city })
    .whereNotNull("recommended_at")
    .whereNot({ status: "withdrawn" })
    .count({ n: "*" });
  return toNumber(row?.n);
}

export async function insertEntryFile(db: Knex, file: EntryFileRow): Promise<void> {
  await db("entry_files").insert({
    id: file.id,
    entry_id: file.entryId,
    role: file.role,
    storage_key: file.storageKey,
    original_name: file.originalName,
    content_type: file.contentType,
    size: file.size,
    sha256: file.sha256,
    probe: file.probe ? JSON.stringify(file.probe) : null,
    blind_storage_key: file.blind?.storageKey ?? null,
    blind_size: file.blind?.size ?? null,
    created_at: file.createdAt,
  });
}

/** Records the blind copy of a file stored without one; false when another request recorded one first. */
export async function setBlindCopy(
  db: Knex,
  fileId: string,
  blind: { storageKey: string; size: number },
): Promise<boolean> {
  const updated = await db("entry_files")
    .where({ id: fileId })
    .whereNull("blind_storage_key")
    .update({ blind_storage_key: blind.storageKey, blind_size: blind.size });
  return updated === 1;
}

export async function findEntryFile(db: Knex, fileId: string): Promise<EntryFileRow | null> {
  const row = await db<Record<string, unknown>>("entry_files").where({ id: fileId }).first();
  return row ? fileFromRow(row) : null;
}

export async function deleteEntryFile(db: Knex, id: string): Promise<void> {
  await db("entry_files").where({ id }).del();
}

export async function filesOfEntries(db: Knex, entryIds: string[]): Promise<EntryFileRow[]> {
  if (entryIds.length === 0) return [];
  const rows: Record<string, unknown>[] = [];
  // Chunked: SQLite allows a limited number of bound parameters per statement.
  for (let i = 0; i < entryIds.length; i += 500) {
    rows.push(
      ...(await db<Record<string, unknown>>("entry_files")
        .whereIn("entry_id", entryIds.slice(i, i + 500))
        .orderBy("role")),
    );
  }
  return rows.map(fileFromRow);
}

/** For each file hash that occurs in more than one entry of the contest, the entries that share it. */
export async function duplicateFiles(
  db: Knex,
  contestId: string,
): Promise<{ sha256: string; entryId: string; code: string }[]> {
  const shared = db("entry_files")
    .join("entries", "entries.id", "entry_files.entry_id")
    .where("entries.contest_id", contestId)
    .groupBy("entry_files.sha256")
    .havingRaw("count(distinct entry_files.entry_id) > 1")
    .select("entry_files.sha256");
  const rows = await db("entry_files")
    .join("entries", "entries.id", "entry_files.entry_id")
    .where("entries.contest_id", contestId)
    .whereIn("entry_files.sha256", shared)
    .select("entry_files.sha256", "entries.id as entry_id", "entries.code");
  return rows.map((r: Record<string, unknown>) => ({
    sha256: String(r.sha256),
    entryId: String(r.entry_id),
    code: String(r.code),
  }));
}
