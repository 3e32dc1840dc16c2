import { toCsv } from "../lib/csv.js";
import type { PublishedResults } from "./results.service.js";

const PRIZE_LABELS: Record<string, string> = { first: "一等奖", second: "二等奖", third: "三等奖" };

const HEADER = ["名次", "作品编号", "作品名称", "得分", "奖项", "评委人数", "作者", "单位", "城市", "计分说明"];

function rows(results: PublishedResults): (string | number)[][] {
  return results.results.map((r) => [r.rank, r.code, r.title, r.score, r.prize ? PRIZE_LABELS[r.prize]! : "", r.judges, (r.authors ?? []).join("、"), r.unit ?? "", r.city ?? "", r.explanation]);
}

/** Results as CSV with Chinese headers (UTF-8 with BOM for Excel). */
export function resultsCsv(results: PublishedResults): string {
  return toCsv(HEADER, rows(results));
}

/** Results as an XLSX workbook: the results sheet, plus the full score matrix for organizers. */
export async function resultsXlsx(results: PublishedResults, matrix?: { judges: string[]; rows: { code: string; title: string; totals: (number | null)[] }[] }): Promise<Buffer> {
  // Loaded when first needed: exceljs costs the server ~30 MB of memory from start otherwise.
  const { default: ExcelJS } = await import("exceljs");
  const book = new ExcelJS.Workbook();
  book.created = new Date(results.computedAt);
  const sheet = book.addWorksheet("成绩");
  sheet.addRow(HEADER).font = { bold: true };
  for (const row of rows(results)) sheet.addRow(row);
  sheet.columns.forEach((column, i) => (column.width = [6, 16, 30, 8, 8, 8, 20, 24, 10, 50][i] ?? 12));
  sheet.addRow([]);
  sheet.addRow([`快照 SHA-256：${results.snapshotHash ?? "（尚未公示）"}`]);
  if (matrix) {
    const scores = book.addWorksheet("评分矩阵");
    scores.addRow(["作品编号", "作品名称", ...matrix.judges]).font = { bold: true };
    for (const r of matrix.rows) scores.addRow([r.code, r.title, ...r.totals.map((t) => t ?? "")]);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
