import type { SessionUser } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import type { UploadedFile } from "../http/upload.js";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import { getUnit, type Unit } from "../units/units.service.js";
import { isLate } from "./due.js";
import { isCityLocked } from "./packages.service.js";
import * as files from "./report-files.service.js";
import * as q from "./summaries.queries.js";
import { parseSummaryFields } from "./summaries.schemas.js";
import { currentWeek, type Week } from "./weeks.service.js";

/**
 * Unit summaries (DESIGN §3): a unit's reporter files the week's summary document (PDF or DOCX by its
 * bytes) and a video of at most 3 minutes (by probe), due by the week's deadline; late ones are accepted
 * and marked; editable until the city's package is submitted.
 */

const MB = 1024 * 1024;

export const SUMMARY_FILE_RULES: files.ReportFileRules = {
  document: { types: ["pdf", "docx"], maxBytes: 50 * MB },
  // The work plan's rule: a summary video of at most 3 minutes.
  video: { types: ["mp4", "mov"], maxBytes: 500 * MB, maxSeconds: 180 },
};

export const summaryLimits = files.uploadLimits(SUMMARY_FILE_RULES);

type Upload = { fields: Record<string, unknown>; files: UploadedFile[] };

export interface SummaryJson {
  id: string;
  unitId: string;
  weekId: string;
  dueAt: string;
  filedAt: string;
  late: boolean;
  updatedAt: string;
  document: files.ReportFileJson | null;
  video: files.ReportFileJson | null;
}

interface Duty {
  unit: Unit;
  week: Week;
  summary: q.SummaryRow | null;
  locked: boolean;
}

/** The unit's duty of the current week, for a reporter of that unit only (another unit → 403). */
async function dutyToFile(ctx: AppContext, user: SessionUser, unitId: string): Promise<Duty> {
  if (user.role !== "reporter" || !user.unitId || user.unitId !== unitId) throw new ForbiddenError("errors.otherUnit");
  return duty(ctx, unitId);
}

async function duty(ctx: AppContext, unitId: string): Promise<Duty> {
  const unit = await getUnit(ctx, unitId);
  const week = await currentWeek(ctx);
  const [summary, locked] = await Promise.all([
    q.findSummary(ctx.db, week.id, unit.id),
    isCityLocked(ctx.db, week.id, unit.city),
  ]);
  return { unit, week, summary, locked };
}

function assertOpen(locked: boolean): void {
  if (locked) throw new ConflictError("package_submitted", "errors.packageSubmitted");
}

/** Before a byte of the body is read: the reporter's own unit, no summary yet, the package not in. */
export async function assertMayFileSummary(ctx: AppContext, user: SessionUser, unitId: string): Promise<void> {
  const d = await dutyToFile(ctx, user, unitId);
  if (d.summary) throw new ConflictError("summary_exists", "errors.summaryExists");
  assertOpen(d.locked);
}

/** Before a byte of the body is read: the reporter's own unit, its summary filed, the package not in. */
export async function assertMayEditSummary(ctx: AppContext, user: SessionUser, unitId: string): Promise<void> {
  const d = await dutyToFile(ctx, user, unitId);
  if (!d.summary) throw new NotFoundError("errors.summaryNotFound");
  assertOpen(d.locked);
}

/**
 * The checks of the body before anything is stored (the unit's duty, no text fields, the required files
 * there); on a refusal the received files are removed.
 */
async function checkedUpload(
  ctx: AppContext,
  user: SessionUser,
  unitId: string,
  upload: Upload,
  required: string[],
): Promise<Duty> {
  try {
    const d = await dutyToFile(ctx, user, unitId);
    parseSummaryFields(upload.fields);
    const missing = required.filter((role) => !upload.files.some((f) => f.role === role));
    if (missing.length > 0 || upload.files.length === 0)
      throw new ValidationError(
        "errors.summaryFilesMissing",
        { roles: missing.length > 0 ? missing : ["document", "video"] },
        { missing },
        "files_missing",
      );
    return d;
  } catch (err) {
    await Promise.all(upload.files.map((f) => ctx.storage.discard(f.path)));
    throw err;
  }
}

/** Stores the files, then runs `write` in a transaction; the stored files are removed if it refuses. */
async function withStoredFiles<T>(
  ctx: AppContext,
  upload: Upload,
  write: (stored: files.StoredReportFile[]) => Promise<T>,
): Promise<T> {
  const stored = await files.storeReportFiles(ctx, upload.files, SUMMARY_FILE_RULES);
  try {
    return await write(stored);
  } catch (err) {
    await files.removeStoredFiles(
      ctx,
      stored.map((s) => s.key),
    );
    throw err;
  }
}

/** Files the unit's summary: a document and a video, both required; late after the week's deadline. */
export async function fileSummary(
  ctx: AppContext,
  user: SessionUser,
  unitId: string,
  upload: Upload,
): Promise<{ id: string; late: boolean; dueAt: string }> {
  const d = await checkedUpload(ctx, user, unitId, upload, ["document", "video"]);
  return withStoredFiles(ctx, upload, (stored) =>
    ctx.db.transaction(async (trx) => {
      assertOpen(await isCityLocked(trx, d.week.id, d.unit.city));
      const now = ctx.clock.now().toISOString();
      const row: q.SummaryRow = {
        id: newId(),
        weekId: d.week.id,
        unitId: d.unit.id,
        authorId: user.id,
        dueAt: d.week.summaryDueAt,
        filedAt: now,
        late: isLate(now, d.week.summaryDueAt),
        updatedAt: now,
      };
      if (!(await q.insertSummary(trx, row))) throw new ConflictError("summary_exists", "errors.summaryExists");
      await files.replaceFiles(trx, files.fileRows("summary", row.id, stored, now));
      return { id: row.id, late: row.late, dueAt: row.dueAt };
    }),
  );
}

/** Replaces the document or the video (or both) until the package is in; the filing time and flag stay. */
export async function editSummary(
  ctx: AppContext,
  user: SessionUser,
  unitId: string,
  upload: Upload,
): Promise<SummaryJson> {
  // An edit sends the document, the video or both: each replaces the stored one.
  const d = await checkedUpload(ctx, user, unitId, upload, []);
  const replaced = await withStoredFiles(ctx, upload, (stored) =>
    ctx.db.transaction(async (trx) => {
      assertOpen(await isCityLocked(trx, d.week.id, d.unit.city));
      const summary = await q.findSummary(trx, d.week.id, d.unit.id);
      if (!summary) throw new NotFoundError("errors.summaryNotFound");
      const now = ctx.clock.now().toISOString();
      await q.touchSummary(trx, summary.id, now);
      return files.replaceFiles(trx, files.fileRows("summary", summary.id, stored, now));
    }),
  );
  // The replaced files' rows are gone with the commit; their bytes follow.
  await files.removeStoredFiles(ctx, replaced);
  return (await summaryOf(ctx, d.week.id, d.unit.id))!;
}

/** A unit's summary of a week with its files, or null; no role check (callers check). */
export async function summaryOf(ctx: AppContext, weekId: string, unitId: string): Promise<SummaryJson | null> {
  const summary = await q.findSummary(ctx.db, weekId, unitId);
  if (!summary) return null;
  const rows = await files.filesOf(ctx, "summary", [summary.id]);
  const of = (role: string) => {
    const row = rows.find((f) => f.role === role);
    return row ? files.reportFileJson(row) : null;
  };
  const { authorId: _author, ...rest } = summary;
  return { ...rest, document: of("document"), video: of("video") };
}

/** The unit's summary of the current week (organizer, the city's coordinator, the unit's reporters); 404 before it is filed. */
export async function getSummary(ctx: AppContext, user: SessionUser, unitId: string): Promise<SummaryJson> {
  const d = await duty(ctx, unitId);
  const may =
    user.role === "organizer" ||
    (user.role === "coordinator" && user.city === d.unit.city) ||
    (user.role === "reporter" && user.unitId === d.unit.id);
  if (!may) throw new ForbiddenError(user.role === "coordinator" ? "errors.otherCity" : "errors.otherUnit");
  const summary = await summaryOf(ctx, d.week.id, d.unit.id);
  if (!summary) throw new NotFoundError("errors.summaryNotFound");
  return summary;
}

/** The reporter's summary page: his unit, the week, its summary (or null) and whether it is still open. */
export async function mySummary(
  ctx: AppContext,
  user: SessionUser,
): Promise<{ unit: Unit; week: Week; summary: SummaryJson | null; open: boolean }> {
  if (user.role !== "reporter" || !user.unitId) throw new ForbiddenError();
  const d = await duty(ctx, user.unitId);
  return { unit: d.unit, week: d.week, summary: await summaryOf(ctx, d.week.id, d.unit.id), open: !d.locked };
}
