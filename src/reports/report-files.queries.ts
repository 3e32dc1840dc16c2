import type { Knex } from "knex";
import { parseJson, toNumber } from "../db/dialect.js";
import type { VideoFacts } from "../media/probe.js";

export type ReportFileOwner = "news" | "summary";

export interface ReportFileRow {
  id: string;
  ownerType: ReportFileOwner;
  ownerId: string;
  /** image | video | document */
  role: string;
  position: number;
  storageKey: string;
  originalName: string;
  contentType: string;
  size: number;
  sha256: string;
  probe: VideoFacts | null;
  createdAt: string;
}

function fromRow(row: Record<string, unknown>): ReportFileRow {
  return {
    id: String(row.id),
    ownerType: String(row.owner_type) as ReportFileOwner,
    ownerId: String(row.owner_id),
    role: String(row.role),
    position: toNumber(row.position),
    storageKey: String(row.storage_key),
    originalName: String(row.original_name),
    contentType: String(row.content_type),
    size: toNumber(row.size),
    sha256: String(row.sha256),
    probe: parseJson<VideoFacts | null>(row.probe, null),
    createdAt: String(row.created_at),
  };
}

export async function insertFiles(db: Knex, rows: ReportFileRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db("report_files").insert(
    rows.map((f) => ({
      id: f.id,
      owner_type: f.ownerType,
      owner_id: f.ownerId,
      role: f.role,
      position: f.position,
      storage_key: f.storageKey,
      original_name: f.originalName,
      content_type: f.contentType,
      size: f.size,
      sha256: f.sha256,
      probe: f.probe ? JSON.stringify(f.probe) : null,
      created_at: f.createdAt,
    })),
  );
}

/** The files of these owners, by owner, role and position. */
export async function filesOf(db: Knex, ownerType: ReportFileOwner, ownerIds: string[]): Promise<ReportFileRow[]> {
  if (ownerIds.length === 0) return [];
  const rows = await db<Record<string, unknown>>("report_files")
    .where({ owner_type: ownerType })
    .whereIn("owner_id", ownerIds)
    .orderBy([{ column: "owner_id" }, { column: "role" }, { column: "position" }]);
  return rows.map(fromRow);
}

/** Deletes an owner's files of these roles; answers the rows deleted (their stored bytes are the caller's to remove). */
export async function deleteFiles(
  db: Knex,
  ownerType: ReportFileOwner,
  ownerId: string,
  roles: string[],
): Promise<ReportFileRow[]> {
  if (roles.length === 0) return [];
  const rows = (
    await db<Record<string, unknown>>("report_files")
      .where({ owner_type: ownerType, owner_id: ownerId })
      .whereIn("role", roles)
  ).map(fromRow);
  await db("report_files")
    .whereIn(
      "id",
      rows.map((r) => r.id),
    )
    .delete();
  return rows;
}

/**
 * A file with whose it is: the unit and city of its news report (the activity's city) or summary (the
 * unit's), and whether that city's package for the week is in (then it is published).
 */
export interface ReportFileWithOwner extends ReportFileRow {
  unitId: string;
  city: string;
  published: boolean;
}

export async function findFileWithOwner(db: Knex, id: string): Promise<ReportFileWithOwner | null> {
  const row = await db<Record<string, unknown>>("report_files as f")
    .leftJoin("news_reports as n", function () {
      this.on("n.id", "=", "f.owner_id").andOnVal("f.owner_type", "=", "news");
    })
    .leftJoin("activities as a", "a.id", "n.activity_id")
    .leftJoin("unit_summaries as s", function () {
      this.on("s.id", "=", "f.owner_id").andOnVal("f.owner_type", "=", "summary");
    })
    .leftJoin("units as u", "u.id", db.raw("coalesce(n.unit_id, s.unit_id)"))
    .leftJoin("city_packages as p", function () {
      this.on("p.city", "=", db.raw("coalesce(a.city, u.city)")).andOn(
        "p.week_id",
        "=",
        db.raw("coalesce(a.week_id, s.week_id)"),
      );
    })
    .where("f.id", id)
    .first<Record<string, unknown> | undefined>(
      "f.*",
      "u.id as owner_unit_id",
      db.raw("coalesce(a.city, u.city) as owner_city"),
      "p.id as package_id",
    );
  if (!row || typeof row.owner_unit_id !== "string") return null;
  return {
    ...fromRow(row),
    unitId: row.owner_unit_id,
    city: String(row.owner_city),
    published: row.package_id != null,
  };
}
