import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import type ExcelJS from "exceljs";
import { fileTypeFromBuffer } from "file-type";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import type { UploadedFile } from "../http/upload.js";
import { AppError, ValidationError, type MessageParams } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import * as q from "./accounts.queries.js";
import { generateInitialPassword } from "./accounts.passwords.service.js";
import type { SessionUser } from "./accounts.service.js";
import { hashPassword } from "./passwords.js";
import {
  checkRoster,
  cleanCell,
  detectHeader,
  MAX_ROSTER_ROWS,
  parseCsv,
  type CheckedRow,
  type RefusalCode,
  type RosterJudge,
  type RosterRecord,
} from "./roster.js";

/** The roster upload's multipart field and its limit. */
export const ROSTER_FIELD = "file";
export const ROSTER_MAX_BYTES = 5 * 1024 * 1024;

export type RosterFormat = "csv" | "xlsx";

export interface ImportedRow {
  row: number;
  email: string;
  status: "imported";
  userId: string;
  /** Shown once, in this answer only: never stored in clear, logged or audited. */
  initialPassword: string;
}

export interface RefusedRow {
  row: number;
  email: string;
  status: "refused";
  reasonCode: RefusalCode;
  /** Message key `roster.reason.<code>` parameters, for the caller to put in the reader's language. */
  reasonParams: MessageParams;
}

export interface RosterReport {
  format: RosterFormat;
  imported: number;
  refused: number;
  rows: (ImportedRow | RefusedRow)[];
}

// A spreadsheet may hold more rows than judges (blank or formatted rows); past this many, stop reading.
const MAX_SHEET_ROWS = MAX_ROSTER_ROWS * 20;

/** Hashes run on libuv's thread pool (4 threads by default); more at once only queue. */
const HASH_CONCURRENCY = 4;

/** The records of an uploaded roster, its type taken from its bytes: an XLSX is a zip file-type names, a CSV is UTF-8 text. */
export async function readRoster(file: UploadedFile): Promise<{ format: RosterFormat; records: RosterRecord[] }> {
  const bytes = await readFile(file.path);
  const detected = await fileTypeFromBuffer(bytes);
  if (detected?.ext === "xlsx") return { format: "xlsx", records: await xlsxRecords(file.path) };
  if (detected)
    throw new AppError(
      415,
      "file_type_not_allowed",
      "errors.rosterFileType",
      { actual: detected.ext },
      { detected: detected.ext },
    );
  // Text without a signature: it must be UTF-8 (Excel's "CSV UTF-8"); NUL bytes mean some binary file.
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new AppError(415, "roster_not_utf8", "errors.rosterNotUtf8");
  }
  if (text.includes("\u0000"))
    throw new AppError(415, "file_type_not_allowed", "errors.rosterFileType", { actual: "?" }, { detected: null });
  return { format: "csv", records: parseCsv(text) };
}

/** A cell's value as the sheet shows it: rich text joined, a hyperlink's text, a formula's result. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ("richText" in value) return value.richText.map((part) => part.text).join("");
  if ("text" in value && typeof value.text === "string") return value.text;
  if ("result" in value)
    return value.result === undefined || value.result === null || typeof value.result === "object"
      ? ""
      : String(value.result);
  if ("error" in value) return "";
  return "";
}

/**
 * The rows of the first sheet whose first non-blank row is a roster header (a template may open with
 * a sheet of instructions), else of the first sheet. Read as a stream, so a sheet of a million rows
 * is refused after its first few thousand instead of filling memory.
 */
async function xlsxRecords(filePath: string): Promise<RosterRecord[]> {
  const input = createReadStream(filePath);
  let firstSheet: RosterRecord[] | null = null;
  try {
    // Loaded when first needed: exceljs costs the server ~30 MB of memory from start otherwise.
    const { default: Excel } = await import("exceljs");
    const reader = new Excel.stream.xlsx.WorkbookReader(input, {
      sharedStrings: "cache",
      hyperlinks: "cache",
      worksheets: "emit",
      styles: "ignore",
      entries: "ignore",
    });
    for await (const sheet of reader) {
      const records: RosterRecord[] = [];
      let nonBlank = 0;
      let seen = 0;
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        seen += 1;
        const cells: string[] = [];
        for (let c = 1; c <= row.cellCount; c += 1) cells.push(cellText(row.getCell(c).value));
        if (cells.some((cell) => cleanCell(cell) !== "")) nonBlank += 1;
        // One header row besides the judges; checkRoster reports the count.
        if (nonBlank > MAX_ROSTER_ROWS + 1 || seen > MAX_SHEET_ROWS) {
          throw new ValidationError(
            "errors.rosterTooManyRows",
            { max: MAX_ROSTER_ROWS, rows: `${MAX_ROSTER_ROWS}+` },
            { max: MAX_ROSTER_ROWS },
            "roster_too_many_rows",
          );
        }
        records.push({ row: row.number, cells });
      }
      const header = records.find((r) => r.cells.some((cell) => cleanCell(cell) !== ""));
      if (header && detectHeader(header.cells).missing.length === 0) return records;
      firstSheet ??= records;
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new ValidationError("errors.rosterUnreadable", {}, undefined, "roster_unreadable");
  } finally {
    input.destroy();
  }
  return firstSheet ?? [];
}

async function inBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return out;
}

function refused(row: CheckedRow, reasonCode: RefusalCode, reasonParams: MessageParams): RefusedRow {
  return { row: row.row, email: row.email, status: "refused", reasonCode, reasonParams };
}

/**
 * Imports an uploaded roster: every good row becomes a judge with a random initial password, every bad
 * row is refused with its reason, all good rows in one transaction with one `user.import` audit record
 * (counts only: the passwords exist in clear in the answer and nowhere else). The uploaded files are
 * discarded whatever happens.
 */
export async function importRoster(ctx: AppContext, actor: SessionUser, files: UploadedFile[]): Promise<RosterReport> {
  try {
    const file = files.find((f) => f.role === ROSTER_FIELD);
    if (!file)
      throw new ValidationError("errors.rosterFileMissing", {}, { field: ROSTER_FIELD }, "roster_file_missing");
    return await importRosterFile(ctx, actor, file);
  } finally {
    await Promise.all(files.map((f) => ctx.storage.discard(f.path)));
  }
}

async function importRosterFile(ctx: AppContext, actor: SessionUser, file: UploadedFile): Promise<RosterReport> {
  const { format, records } = await readRoster(file);
  const { rows } = checkRoster(records);
  const report = new Map<number, ImportedRow | RefusedRow>();
  const candidates: { row: CheckedRow; judge: RosterJudge }[] = [];
  for (const row of rows) {
    if (row.refusal) report.set(row.row, refused(row, row.refusal.code, row.refusal.params));
    else if (await q.findUserByEmail(ctx.db, row.email))
      report.set(row.row, refused(row, "email_taken", { email: row.email }));
    else candidates.push({ row, judge: row.judge });
  }
  // Hashing (~25 ms each) happens before the transaction, so the database is never held while it runs.
  const prepared = await inBatches(candidates, HASH_CONCURRENCY, async (c) => {
    const password = generateInitialPassword(c.judge.email);
    return { ...c, password, passwordHash: await hashPassword(password) };
  });
  await ctx.db.transaction(async (trx) => {
    const now = ctx.clock.now().toISOString();
    for (const c of prepared) {
      // Registered meanwhile (another import, a registration): refused like any taken address.
      if (await q.findUserByEmail(trx, c.judge.email)) {
        report.set(c.row.row, refused(c.row, "email_taken", { email: c.judge.email }));
        continue;
      }
      const id = newId();
      await q.insertUser(trx, {
        id,
        ...c.judge,
        role: "judge",
        passwordHash: c.passwordHash,
        disabled: false,
        // The initial password is printed in the organizer's report: the judge replaces it at first login.
        mustChangePassword: true,
        createdAt: now,
        updatedAt: now,
      });
      report.set(c.row.row, {
        row: c.row.row,
        email: c.judge.email,
        status: "imported",
        userId: id,
        initialPassword: c.password,
      });
    }
    const all = [...report.values()];
    const imported = all.filter((r) => r.status === "imported").length;
    await recordAudit(trx, ctx.clock, {
      actorId: actor.id,
      action: "user.import",
      targetType: "user",
      targetId: null,
      details: {
        format,
        rows: all.length,
        imported,
        refused: all.length - imported,
        originalName: file.originalName.slice(0, 200),
      },
    });
  });
  const ordered = [...report.values()].sort((a, b) => a.row - b.row);
  const imported = ordered.filter((r) => r.status === "imported").length;
  return { format, imported, refused: ordered.length - imported, rows: ordered };
}
