import { toCsv } from "../lib/csv.js";
import type { PublishedResults } from "./results.service.js";

const PRIZE_LABELS: Record<string, string> = { first: "一等奖", second: "二等奖", third: "三等奖" };

const HEADER = ["名次", "作品编号", "作品名称", "得分", "奖项", "评委人数", "作者", "单位", "城市", "计分说明"];
const WIDTHS = [6, 16, 30, 8, 8, 8, 20, 24, 10, 50];

/** A column inserted after `after` (an index into HEADER) where the contest has what it shows. */
interface ExtraColumn {
  after: number;
  header: string;
  width: number;
  cell: (r: PublishedResults["results"][number]) => string | number;
}

/**
 * The columns: the extra awards (with a chosen award's reason) after the prize where the contest has
 * extra awards, the public vote count after the judges' count where the vote has a weight.
 */
function table(results: PublishedResults): { header: string[]; widths: number[]; rows: (string | number)[][] } {
  const extra: ExtraColumn[] = [];
  if ((results.rules.prizes.extras ?? []).length > 0)
    extra.push({
      after: 4,
      header: "其他奖项",
      width: 24,
      cell: (r) => r.awards.map((a) => (a.reason ? `${a.label}（${a.reason}）` : a.label)).join("、"),
    });
  if (results.rules.publicVoteWeight)
    extra.push({ after: 5, header: "网络投票", width: 10, cell: (r) => r.publicVotes ?? 0 });
  const widen = <T>(cells: T[], added: (c: ExtraColumn) => T): T[] =>
    cells.flatMap((cell, i) => [cell, ...extra.filter((c) => c.after === i).map(added)]);
  return {
    header: widen(HEADER, (c) => c.header),
    widths: widen(WIDTHS, (c) => c.width),
    rows: results.results.map((r) =>
      widen<string | number>(
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
        (c) => c.cell(r),
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
