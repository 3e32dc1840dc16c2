import { cityLabel } from "../accounts/cities.js";
import { toCsv } from "../lib/csv.js";
import { translate, type Locale } from "../lib/i18n.js";
import type { Statistics, StatisticsRow } from "./statistics.service.js";

/** The figures' column headers in the reader's language, after the name column. */
function header(locale: Locale): string[] {
  return ["submitted", "recommended", "quota", "failed", "first", "second", "third"].map((k) =>
    translate(locale, `statistics.col.${k}`),
  );
}

const figures = (r: StatisticsRow): (number | string)[] => [
  r.submitted,
  r.recommended,
  r.quota ?? "",
  r.failed,
  r.prizes.first,
  r.prizes.second,
  r.prizes.third,
];

const unitName = (r: StatisticsRow, locale: Locale) => r.name || translate(locale, "statistics.noUnit");

/** Cities, then units, in one table: the first column says which. */
export function statisticsCsv(stats: Statistics, locale: Locale): string {
  const t = (key: string) => translate(locale, key);
  return toCsv(
    [t("statistics.col.scope"), t("statistics.col.name"), ...header(locale)],
    [
      ...stats.cities.map((r) => [t("statistics.byCity"), cityLabel(r.name, locale), ...figures(r)]),
      [t("statistics.byCity"), t("statistics.total"), ...figures(stats.totals)],
      ...stats.units.map((r) => [t("statistics.byUnit"), unitName(r, locale), ...figures(r)]),
    ],
  );
}

/** A workbook with a sheet by city and a sheet by unit. */
export async function statisticsXlsx(stats: Statistics, locale: Locale): Promise<Buffer> {
  // Loaded when first needed, as the results export does: exceljs is large.
  const { default: ExcelJS } = await import("exceljs");
  const t = (key: string) => translate(locale, key);
  const book = new ExcelJS.Workbook();
  const sheets: [string, string, (string | number)[][]][] = [
    [
      t("statistics.byCity"),
      t("statistics.col.city"),
      [
        ...stats.cities.map((r) => [cityLabel(r.name, locale), ...figures(r)]),
        [t("statistics.total"), ...figures(stats.totals)],
      ],
    ],
    [t("statistics.byUnit"), t("statistics.col.unit"), stats.units.map((r) => [unitName(r, locale), ...figures(r)])],
  ];
  for (const [name, first, rows] of sheets) {
    const sheet = book.addWorksheet(name);
    sheet.addRow([first, ...header(locale)]).font = { bold: true };
    for (const row of rows) sheet.addRow(row);
    sheet.columns.forEach((column, i) => (column.width = i === 0 ? 30 : 12));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
