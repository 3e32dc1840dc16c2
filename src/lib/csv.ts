import { stringify } from "csv-stringify/sync";

/**
 * CSV for Excel users: UTF-8 with a BOM so Chinese opens correctly, and cells that a spreadsheet would
 * run as a formula (=, +, -, @) prefixed with an apostrophe (CSV injection).
 */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  const safe = (cell: string | number | null) =>
    typeof cell === "string" && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : (cell ?? "");
  return `\uFEFF${stringify([header, ...rows.map((row) => row.map(safe))], { record_delimiter: "\r\n" })}`;
}
