import type { SessionUser } from "../accounts/accounts.service.js";
import { normalizeCity } from "../accounts/cities.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import type { UploadedFile } from "../http/upload.js";
import { chunk } from "../lib/collections.js";
import { ForbiddenError, ValidationError } from "../lib/errors.js";
import { translate, type Locale } from "../lib/i18n.js";
import { identityKey } from "../lib/identity.js";
import { newId } from "../lib/ids.js";
import { readTableFile } from "../media/table-file.js";
import { findOrCreateUnits } from "../units/units.service.js";
import {
  COLUMNS,
  isActivitiesHeader,
  MAX_ACTIVITY_ROWS,
  parseActivityRows,
  themeOf,
  type ActivityRow,
  type RowError,
  type RowProblem,
} from "./activities.rows.js";
import * as q from "./activities.queries.js";
import type { ListActivitiesQuery } from "./activities.schemas.js";
import { currentWeek, type Week } from "./weeks.service.js";
export type { ActivityListRow } from "./activities.queries.js";

/** The import's multipart field and its limit (20,000 rows of a spreadsheet fit well within). */
export const ACTIVITIES_FIELD = "file";
export const ACTIVITIES_MAX_BYTES = 20 * 1024 * 1024;

/** Rows per statement: well under SQLite's and PostgreSQL's bound-parameter limits at 13 columns. */
const CHUNK = 500;

export interface ImportReport {
  imported: number;
  updated: number;
  errors: { row: number; message: string }[];
}

const reason = (locale: Locale, p: RowProblem) =>
  translate(locale, `reports.activities.reason.${p.code}`, {
    ...p.params,
    ...(typeof p.params.column === "string"
      ? { column: translate(locale, `reports.activities.column.${p.params.column}`) }
      : {}),
  });

/** A row error in the reader's language: every reason of the row, one after another. */
export const rowMessage = (locale: Locale, error: RowError) =>
  error.problems.map((p) => reason(locale, p)).join(translate(locale, "reports.activities.reasonSeparator"));

/**
 * Imports the organizers' spreadsheet into the current week (DESIGN §3 "Activity import"): good rows
 * are inserted or, by import key, updated; each bad row is reported and writes nothing. Units are made
 * through findOrCreateUnits, one lookup per chunk; all in one transaction, audited `activities.import`.
 * A bad file (not a table, wrong header) is refused whole; the upload is discarded whatever happens.
 */
export async function importActivities(
  ctx: AppContext,
  user: SessionUser,
  files: UploadedFile[],
  locale: Locale,
): Promise<ImportReport> {
  try {
    const file = files.find((f) => f.role === ACTIVITIES_FIELD);
    if (!file)
      throw new ValidationError(
        "errors.activitiesFileMissing",
        {},
        { field: ACTIVITIES_FIELD },
        "activities_file_missing",
      );
    const week = await currentWeek(ctx);
    const { format, records } = await readTableFile(file.path, {
      kind: "activities",
      maxRows: MAX_ACTIVITY_ROWS,
      isHeader: isActivitiesHeader,
    });
    const parsed = parseActivityRows(records);
    const result = await ctx.db.transaction(async (trx) => {
      const errors: RowError[] = [...parsed.errors];
      let imported = 0;
      let updated = 0;
      const now = ctx.clock.now().toISOString();
      for (const rows of chunk(parsed.rows, CHUNK)) {
        const units = await findOrCreateUnits(
          trx,
          ctx,
          rows.map((r) => ({ name: r.unit, city: r.city })),
        );
        const good: (ActivityRow & { unitId: string })[] = [];
        for (const row of rows) {
          const unit = units.get(row.unitKey)!;
          if (unit.city === row.city) good.push({ ...row, unitId: unit.id });
          else
            errors.push({
              row: row.row,
              problems: [{ code: "unitOtherCity", params: { unit: unit.name, city: unit.city } }],
            });
        }
        const existing = await q.existingKeys(
          trx,
          week.id,
          good.map((r) => r.importKey),
        );
        updated += existing.size;
        imported += good.length - existing.size;
        await q.upsertActivities(
          trx,
          good.map((r) => ({
            id: existing.get(r.importKey) ?? newId(),
            weekId: week.id,
            unitId: r.unitId,
            city: r.city,
            title: r.title,
            theme: r.theme,
            form: r.form,
            startsAt: r.startsAt,
            endsAt: r.endsAt,
            place: r.place,
            importKey: r.importKey,
            createdAt: now,
            updatedAt: now,
          })),
        );
      }
      errors.sort((a, b) => a.row - b.row);
      await recordAudit(trx, ctx.clock, {
        actorId: user.id,
        action: "activities.import",
        targetType: "system",
        targetId: week.id,
        details: { format, imported, updated, errors: errors.length, originalName: file.originalName.slice(0, 200) },
      });
      return { imported, updated, errors };
    });
    return {
      imported: result.imported,
      updated: result.updated,
      errors: result.errors.map((e) => ({ row: e.row, message: rowMessage(locale, e) })),
    };
  } finally {
    await Promise.all(files.map((f) => ctx.storage.discard(f.path)));
  }
}

/** The template to fill in: the header in the reader's language and one example row, as an XLSX workbook. */
export async function activitiesTemplate(locale: Locale): Promise<Buffer> {
  // Loaded when first needed: exceljs costs the server ~30 MB of memory from start otherwise.
  const { default: ExcelJS } = await import("exceljs");
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(translate(locale, "reports.activities.sheetName"));
  sheet.addRow(COLUMNS.map((c) => (locale === "en" ? c.en : c.zh))).font = { bold: true };
  // Dates as text: what the import reads back exactly, whatever the spreadsheet's locale.
  sheet.addRow(COLUMNS.map((c) => translate(locale, `reports.activities.example.${c.key}`)));
  COLUMNS.forEach((_c, i) => (sheet.getColumn(i + 1).width = i === 2 || i === 7 ? 36 : 18));
  return Buffer.from(await book.xlsx.writeBuffer());
}

export interface ActivityList {
  week: Week;
  activities: q.ActivityListRow[];
  total: number;
}

/**
 * The scope a viewer may list: the organizer anything, a coordinator his city (another → 403), a
 * reporter his unit (another → 403). Unknown cities and themes are refused (400).
 */
function scopeOf(user: SessionUser, query: ListActivitiesQuery): Omit<q.ActivityFilter, "weekId"> {
  const city = query.city?.trim() ? normalizeCity(query.city) : undefined;
  if (city === null)
    throw new ValidationError("errors.unknownCity", { city: query.city ?? "" }, { field: "city" }, "validation_failed");
  const theme = query.theme?.trim() ? themeOf(query.theme) : undefined;
  if (theme === null)
    throw new ValidationError(
      "errors.activityThemeUnknown",
      { theme: query.theme ?? "" },
      { field: "theme" },
      "validation_failed",
    );
  const unit = query.unit?.trim() ? { id: query.unit.trim(), nameKey: identityKey(query.unit) } : undefined;
  if (user.role === "organizer") return { city, theme, unit };
  if (user.role === "coordinator" && user.city && (city === undefined || city === user.city))
    return { city: user.city, theme, unit };
  if (user.role === "reporter" && user.unitId) {
    if (unit && unit.id !== user.unitId) throw new ForbiddenError("errors.otherUnit");
    if (city !== undefined && city !== user.city) throw new ForbiddenError("errors.otherCity", "forbidden", { city });
    return { theme, unit: { id: user.unitId, nameKey: "" } };
  }
  throw new ForbiddenError("errors.otherCity", "forbidden", { city: city ?? "" });
}

/** The week's activities (the current week unless `week` names one) a viewer may see, filtered; a page of them if asked. */
export async function listActivities(
  ctx: AppContext,
  user: SessionUser,
  query: ListActivitiesQuery,
  page?: { limit: number; offset: number },
): Promise<ActivityList> {
  const scope = scopeOf(user, query);
  const week = await currentWeek(ctx, query.week);
  const filter = { weekId: week.id, ...scope };
  const [activities, total] = await Promise.all([
    q.listActivities(ctx.db, filter, page),
    q.countActivities(ctx.db, filter),
  ]);
  return { week, activities, total };
}
