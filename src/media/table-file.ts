/**
 * Tables organizers upload (the judges' roster, the live final's topic bank): a CSV or an Excel .xlsx,
 * its type taken from its bytes. Each kind names its own messages (`errors.<kind>FileType`, …) and codes.
 */
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import type ExcelJS from "exceljs";
import { CsvError, parse } from "csv-parse/sync";
import { AppError, ValidationError } from "../lib/errors.js";
import { detectContentType } from "./content-type.js";

export type TableKind = "roster" | "topics" | "activities";
export type TableFormat = "csv" | "xlsx";

/** One record of the file: its row number as a spreadsheet shows it (header = row 1), and its cells. */
export interface TableRecord {
  row: number;
  cells: string[];
}

// Zero-width characters and the BOM ride along from copy-paste and Excel; they are never meant.
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;

/** A cell as typed, without invisible characters or surrounding spaces (full-width ones too). */
export function cleanCell(value: string): string {
  return value.replace(INVISIBLE, "").trim();
}

const isBlankRow = (cells: string[]) => cells.every((cell) => cleanCell(cell) === "");

/** More rows than a kind allows: refused after the first few too many, never read to the end. */
export function tooManyRows(kind: TableKind, max: number, rows: number | string): ValidationError {
  return new ValidationError(`errors.${kind}TooManyRows`, { max, rows }, { max }, `${kind}_too_many_rows`);
}

/**
 * Parses CSV text (RFC 4180: comma-separated, `"` quotes with `""` inside, CRLF, LF or CR line ends,
 * even mixed) into records numbered from 1, as a spreadsheet numbers its rows; a leading BOM is
 * dropped, rows may differ in length, and a quote inside an unquoted cell is kept as typed. An
 * unclosed quote is refused, since the rest of the file would silently become one cell.
 */
export function parseCsvRecords(text: string, kind: TableKind): TableRecord[] {
  let rows: string[][];
  try {
    rows = parse(text, {
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      record_delimiter: ["\r\n", "\n", "\r"],
    });
  } catch (err) {
    if (!(err instanceof CsvError) || err.code !== "CSV_QUOTE_NOT_CLOSED") throw err;
    // The records read before the unclosed one: the quote opened in the next.
    const row = Number(err.records) + 1;
    throw new ValidationError(`errors.${kind}UnclosedQuote`, { row }, { row }, `${kind}_malformed`);
  }
  return rows.map((cells, i) => ({ row: i + 1, cells }));
}

export interface TableOptions {
  kind: TableKind;
  /** Data rows (not blank, besides the header) allowed. */
  maxRows: number;
  /** Whether a sheet's first non-blank row is this kind's header (a template may open with instructions). */
  isHeader: (cells: string[]) => boolean;
}

/** The records of an uploaded table: an XLSX is a zip the content sniffing names, a CSV is UTF-8 text. */
export async function readTableFile(
  filePath: string,
  options: TableOptions,
): Promise<{ format: TableFormat; records: TableRecord[] }> {
  const { kind } = options;
  const { detected } = await detectContentType(filePath);
  if (detected === "xlsx") return { format: "xlsx", records: await xlsxRecords(filePath, options) };
  if (detected)
    throw new AppError(415, "file_type_not_allowed", `errors.${kind}FileType`, { actual: detected }, { detected });
  // Text without a signature: it must be UTF-8 (Excel's "CSV UTF-8"); NUL bytes mean some binary file.
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(await readFile(filePath));
  } catch {
    throw new AppError(415, `${kind}_not_utf8`, `errors.${kind}NotUtf8`);
  }
  if (text.includes("\u0000"))
    throw new AppError(415, "file_type_not_allowed", `errors.${kind}FileType`, { actual: "?" }, { detected: null });
  return { format: "csv", records: parseCsvRecords(text, kind) };
}

/** A cell's value as the sheet shows it: rich text joined, a hyperlink's text, a formula's result. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  // Excel keeps a date as the wall-clock time typed, which exceljs hands over as that time in UTC.
  if (value instanceof Date) {
    const [day, time] = value.toISOString().slice(0, 16).split("T") as [string, string];
    return time === "00:00" ? day : `${day} ${time}`;
  }
  if ("richText" in value) return value.richText.map((part) => part.text).join("");
  if ("text" in value && typeof value.text === "string") return value.text;
  if ("result" in value)
    return value.result === undefined || value.result === null || typeof value.result === "object"
      ? ""
      : String(value.result);
  return "";
}

/**
 * How many times a workbook is read before it is called unreadable. exceljs's streaming reader now and
 * then loses a part of the archive it reads (exceljs/exceljs#3064: mostly the workbook part, and then it
 * throws), about one read in two hundred of a file exceljs wrote, as our own templates are. Another read
 * of the same file succeeds; a damaged file fails every time.
 */
const XLSX_READ_ATTEMPTS = 3;

/**
 * The rows of the first sheet whose first non-blank row is a header of this kind, else of the first
 * sheet. Read as a stream, so a sheet of a million rows is refused after its first few thousand
 * instead of filling memory.
 */
async function xlsxRecords(filePath: string, options: TableOptions): Promise<TableRecord[]> {
  for (let attempt = 0; attempt < XLSX_READ_ATTEMPTS; attempt += 1) {
    const records = await readXlsxOnce(filePath, options);
    if (records) return records;
  }
  const { kind } = options;
  throw new ValidationError(`errors.${kind}Unreadable`, {}, undefined, `${kind}_unreadable`);
}

/** One read of the workbook: its records, or null if the reader failed (it threw, or found no sheet, which every workbook has). */
async function readXlsxOnce(
  filePath: string,
  { kind, maxRows, isHeader }: TableOptions,
): Promise<TableRecord[] | null> {
  // A spreadsheet may hold more rows than data (blank or formatted rows); past this many, stop reading.
  const maxSheetRows = maxRows * 20;
  const input = createReadStream(filePath);
  let firstSheet: TableRecord[] | null = null;
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
      const records: TableRecord[] = [];
      let nonBlank = 0;
      let seen = 0;
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        seen += 1;
        const cells: string[] = [];
        for (let c = 1; c <= row.cellCount; c += 1) cells.push(cellText(row.getCell(c).value));
        if (!isBlankRow(cells)) nonBlank += 1;
        // One header row besides the data; the kind's own check reports the exact count.
        if (nonBlank > maxRows + 1 || seen > maxSheetRows) throw tooManyRows(kind, maxRows, `${maxRows}+`);
        records.push({ row: row.number, cells });
      }
      const header = records.find((r) => !isBlankRow(r.cells));
      if (header && isHeader(header.cells)) return records;
      firstSheet ??= records;
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    return null;
  } finally {
    input.destroy();
  }
  return firstSheet;
}
