import { toCsv } from "../lib/csv.js";
import type { PublishedResults } from "./results.service.js";

const PRIZE_LABELS: Record<string, string> = { first: "一等奖", second: "二等奖", third: "三等奖" };

const HEADER = ["名次", "作品编号", "作品名称", "得分", "奖项", "评委人数", "作者", "单位", "城市", "计分说明"];
const WIDTHS = [6, 16, 30, 8, 8, 8, 20, 24, 10, 50];

/** The columns, with the public vote count after the judges' count where the vote has a weight. */
function table(results: PublishedResults): { header: string[]; widths: number[]; rows: (string | number)[][] } {
  const votes = Boolean(results.rules.publicVoteWeight);
  const withVotes = <T>(cells: T[], vote: T): T[] => (votes ? [...cells.slice(0, 6), vote, ...cells.slice(6)] : cells);
  return {
    header: withVotes(HEADER, "网络投票"),
    widths: withVotes(WIDTHS, 10),
    rows: results.results.map((r) =>
      withVotes<string | number>(
        [
          r.rank,
          r.code,
          r.title,
          r.score,
          r.prize ? PRIZE_LABELS[r.prize] : "",
          r.judges,
          (r.authors ?? []).join("、"),
          r.unit ?? "",
          r.city ?? "",
          r.explanation,
        ],
        r.publicVotes ?? 0,
      ),
    ),
  };
}

/** Results as CSV with Chinese headers (UTF-8 with BOM for Excel). */
export function resultsCsv(results: PublishedResults): string {
  const { header, rows } = table(results);
  return toCsv(header, rows);
}

/** Results as an XLSX workbook: the results sheet, plus the full score matrix for organizers. */
export async function resultsXlsx(
  results: PublishedResults,
  matrix?: { judges: string[]; rows: { code: string; title: string; totals: (number | null)[] }[] },
): Promise<Buffer> {
  // Loaded when first needed: exceljs costs the server ~30 MB of memory from start otherwise.
  const { default: ExcelJS } = await import("exceljs");
  const book = new ExcelJS.Workbook();
  book.created = new Date(results.computedAt);
  const sheet = book.addWorksheet("成绩");
  const { header, widths, rows } = table(results);
  sheet.addRow(header).font = { bold: true };
  for (const row of rows) sheet.addRow(row);
  sheet.columns.forEach((column, i) => (column.width = widths[i] ?? 12));
  sheet.addRow([]);
  sheet.addRow([`快照 SHA-256：${results.snapshotHash ?? "（尚未公示）"}`]);
  if (matrix) {
    const scores = book.addWorksheet("评分矩阵");
    scores.addRow(["作品编号", "作品名称", ...matrix.judges]).font = { bold: true };
    for (const r of matrix.rows) scores.addRow([r.code, r.title, ...r.totals.map((t) => t ?? "")]);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
