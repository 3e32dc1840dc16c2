import { stat } from "node:fs/promises";
import type { Knex } from "knex";
import type { AppContext } from "../context.js";
import type { SendableFile } from "../http/send-file.js";
import type { UploadedFile } from "../http/upload.js";
import { AppError, asError, NotFoundError, ValidationError } from "../lib/errors.js";
import { sha256Of } from "../lib/files.js";
import { newId } from "../lib/ids.js";
import { CONTENT_TYPES, detectContentType, nameForType, type ContentType } from "../media/content-type.js";
import { copyWithoutMetadata } from "../media/metadata-copy.js";
import { probeVideo, type VideoFacts } from "../media/probe.js";
import * as q from "./report-files.queries.js";
import type { ReportFileOwner, ReportFileRow } from "./report-files.queries.js";

/**
 * The files of news reports and unit summaries (DESIGN §3): checked by their bytes, images stripped of
 * their metadata (EXIF/XMP/GPS name people and places, and these files are published), videos probed,
 * stored before the row that points at them commits, and served by id only to those a caller allows.
 */

export type { ReportFileOwner, ReportFileRow };

export interface ReportFileRule {
  types: ContentType[];
  maxBytes: number;
  /** For videos: the longest allowed, by probe. */
  maxSeconds?: number;
  /** Store the metadata-stripped copy instead of the upload (images). */
  strip?: boolean;
}

/** By upload field (role): what a file of it may be. */
export type ReportFileRules = Record<string, ReportFileRule>;

/** receiveUpload's size limit per field. */
export function uploadLimits(rules: ReportFileRules): Record<string, number> {
  return Object.fromEntries(Object.entries(rules).map(([role, rule]) => [role, rule.maxBytes]));
}

export interface StoredReportFile {
  role: string;
  originalName: string;
  key: string;
  contentType: ContentType;
  size: number;
  sha256: string;
  probe: VideoFacts | null;
}

async function checkedType(file: UploadedFile, rule: ReportFileRule): Promise<ContentType> {
  const { type, detected } = await detectContentType(file.path);
  if (!type || !rule.types.includes(type))
    throw new ValidationError(
      "errors.fileType",
      { role: file.role, actual: detected ?? "?", allowed: rule.types.join("/") },
      { role: file.role, detected },
      "file_type_not_allowed",
    );
  return type;
}

async function checkedVideo(ctx: AppContext, file: UploadedFile, rule: ReportFileRule): Promise<VideoFacts> {
  const video = await probeVideo(ctx.config, file.path);
  if (!video)
    throw new ValidationError("errors.videoUnreadable", { role: file.role }, { role: file.role }, "video_unreadable");
  if (rule.maxSeconds !== undefined && video.durationSeconds > rule.maxSeconds)
    throw new ValidationError(
      "errors.reportVideoTooLong",
      { role: file.role, seconds: Math.round(video.durationSeconds), max: rule.maxSeconds },
      { role: file.role, durationSeconds: video.durationSeconds, maxSeconds: rule.maxSeconds },
      "video_too_long",
    );
  return video;
}

/** The stripped copy at a fresh incoming path, still of the same type; refused (422) when it cannot be made, 507 when the disk is full. */
function strippedCopy(ctx: AppContext, file: UploadedFile, contentType: ContentType): Promise<string> {
  const refusal = () =>
    new AppError(
      422,
      "file_not_anonymizable",
      "errors.reportFileNotStrippable",
      { role: file.role },
      { role: file.role },
    );
  return copyWithoutMetadata(ctx, { path: file.path, role: file.role, contentType }, refusal);
}

/**
 * Checks every file against its rule and moves what passes into storage (stripped images, probed videos);
 * on any refusal nothing stays stored. The incoming uploads are always removed.
 */
export async function storeReportFiles(
  ctx: AppContext,
  files: UploadedFile[],
  rules: ReportFileRules,
): Promise<StoredReportFile[]> {
  const copies: string[] = [];
  const stored: StoredReportFile[] = [];
  try {
    const checked = await Promise.allSettled(
      files.map(async (file) => {
        const rule = rules[file.role];
        const contentType = await checkedType(file, rule);
        const probe = contentType === "mp4" || contentType === "mov" ? await checkedVideo(ctx, file, rule) : null;
        const copy = rule.strip ? await strippedCopy(ctx, file, contentType) : null;
        if (copy) copies.push(copy);
        return { file, contentType, probe, copy };
      }),
    );
    // Every file's work has settled (no tool still writing) before the first refusal is answered.
    const refused = checked.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (refused) throw asError(refused.reason);
    for (const r of checked) {
      if (r.status !== "fulfilled") continue;
      const { file, contentType, probe, copy } = r.value;
      const source = copy ?? file.path;
      const size = copy ? (await stat(copy)).size : file.size;
      const sha256 = copy ? (await sha256Of(copy)).sha256 : file.sha256;
      const key = await ctx.storage.adopt(source);
      stored.push({ role: file.role, originalName: file.originalName, key, contentType, size, sha256, probe });
    }
    return stored;
  } catch (err) {
    await removeStoredFiles(
      ctx,
      stored.map((s) => s.key),
    );
    throw err;
  } finally {
    await Promise.all([...copies, ...files.map((f) => f.path)].map((p) => ctx.storage.discard(p)));
  }
}

export async function removeStoredFiles(ctx: AppContext, keys: string[]): Promise<void> {
  await Promise.all(keys.map((k) => ctx.storage.remove(k)));
}

/** The rows of stored files for their owner, numbered per role in upload order. */
export function fileRows(
  ownerType: ReportFileOwner,
  ownerId: string,
  stored: StoredReportFile[],
  now: string,
): ReportFileRow[] {
  const positions = new Map<string, number>();
  return stored.map((s) => {
    const position = positions.get(s.role) ?? 0;
    positions.set(s.role, position + 1);
    return {
      id: newId(),
      ownerType,
      ownerId,
      role: s.role,
      position,
      storageKey: s.key,
      originalName: s.originalName.slice(0, 255),
      contentType: s.contentType,
      size: s.size,
      sha256: s.sha256,
      probe: s.probe,
      createdAt: now,
    };
  });
}

/**
 * Inside the owner's transaction: the new files' rows, replacing the owner's files of the same roles.
 * Answers the storage keys of the replaced files, to remove once the transaction has committed.
 */
export async function replaceFiles(trx: Knex, rows: ReportFileRow[]): Promise<string[]> {
  const [first] = rows;
  if (!first) return [];
  const replaced = await q.deleteFiles(trx, first.ownerType, first.ownerId, [...new Set(rows.map((r) => r.role))]);
  await q.insertFiles(trx, rows);
  return replaced.map((r) => r.storageKey);
}

/** A file as the API shows it: no storage key, no path; fetched by id. */
export interface ReportFileJson {
  id: string;
  role: string;
  position: number;
  contentType: string;
  mime: string;
  size: number;
  durationSeconds: number | null;
  url: string;
}

export function reportFileJson(row: ReportFileRow): ReportFileJson {
  return {
    id: row.id,
    role: row.role,
    position: row.position,
    contentType: row.contentType,
    mime: CONTENT_TYPES[row.contentType as ContentType],
    size: row.size,
    durationSeconds: row.probe?.durationSeconds ?? null,
    url: `/api/v1/report-files/${row.id}`,
  };
}

export async function filesOf(
  ctx: AppContext,
  ownerType: ReportFileOwner,
  ownerIds: string[],
): Promise<ReportFileRow[]> {
  return q.filesOf(ctx.db, ownerType, ownerIds);
}

/** Whose a file is, for a caller's read check: its unit and city, and whether its city's package is in. */
export interface ReportFileOwnerFacts {
  ownerType: ReportFileOwner;
  ownerId: string;
  unitId: string;
  city: string;
  published: boolean;
}

/** Who signed in may read a report file: the organizer, the coordinator of its city, a reporter of its unit. */
export function staffMayRead(user: { role: string; city: string | null; unitId?: string | null }) {
  return (owner: ReportFileOwnerFacts): boolean =>
    user.role === "organizer" ||
    (user.role === "coordinator" && user.city === owner.city) ||
    (user.role === "reporter" && user.unitId != null && user.unitId === owner.unitId);
}

/** The public: only files whose city's package is submitted (published). */
export const publicMayRead = (owner: ReportFileOwnerFacts): boolean => owner.published;

/** A report file by id for sending, when `mayRead` allows it; 404 otherwise (its existence is not told). */
export async function sendableReportFile(
  ctx: AppContext,
  id: string,
  mayRead: (owner: ReportFileOwnerFacts) => boolean | Promise<boolean>,
): Promise<SendableFile> {
  const file = await q.findFileWithOwner(ctx.db, id);
  if (!file || !(await mayRead(file))) throw new NotFoundError("errors.reportFileNotFound");
  const type = file.contentType as ContentType;
  return {
    path: ctx.storage.pathOf(file.storageKey),
    mime: CONTENT_TYPES[type],
    // Not the uploaded name: it may name the reporter, and published files carry nothing beyond the unit.
    downloadName: nameForType(`${file.ownerType}-${file.role}-${file.position + 1}`, type),
  };
}
