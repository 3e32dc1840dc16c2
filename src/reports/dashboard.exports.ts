/**
 * Everything of the week as one workbook (DESIGN §3): sheets 活动, 新闻报道, 单位总结, 城市汇总.
 * Written row by row to the stream it is given (exceljs's streaming writer), so a week of thousands of
 * activities is never held as a whole workbook in memory.
 */
import type { Writable } from "node:stream";
import { cityLabel } from "../accounts/cities.js";
import type { AppContext } from "../context.js";
import { translate, type Locale } from "../lib/i18n.js";
import { isoToShanghaiLocal } from "../lib/time.js";
import * as q from "./dashboard.queries.js";
import { percentText } from "./dashboard.rates.js";
import { cityFigures, dashboardScope, type CityFigures, type DashboardViewer } from "./dashboard.service.js";
import type { Week } from "./weeks.service.js";

/** The sheet names are the province's own words for the four parts, in every language. */
export const EXPORT_SHEETS = ["活动", "新闻报道", "单位总结", "城市汇总"] as const;

const shanghai = (iso: string | null) => (iso ? isoToShanghaiLocal(iso).replace("T", " ") : "");

export interface ReportsExport {
  week: Week;
  activities: q.ExportActivityRow[];
  units: q.ExportUnitRow[];
  cities: CityFigures[];
}

/** Read before the download starts, so a refusal (no week, unknown week) is still an error answer. */
export async function reportsExport(ctx: AppContext, user: DashboardViewer, weekId?: string): Promise<ReportsExport> {
  const { week, scope } = await dashboardScope(ctx, user, weekId);
  const [activities, units, figures] = await Promise.all([
    q.activitiesForExport(ctx.db, scope),
    q.unitsForExport(ctx.db, scope),
    cityFigures(ctx, week, scope),
  ]);
  return { week, activities, units, cities: figures.cities };
}

export async function writeReportsXlsx(data: ReportsExport, locale: Locale, out: Writable): Promise<void> {
  const { week, activities, units } = data;
  const t = (key: string) => translate(locale, `reports.export.${key}`);
  const status = (late: boolean | null) => t(late === null ? "missing" : late ? "late" : "onTime");
  const city = (name: string) => cityLabel(name, locale);
  const news = activities.filter((a) => a.newsFiledAt !== null);
  const sheets: [string, string[], (string | number)[][]][] = [
    [
      EXPORT_SHEETS[0],
      ["unit", "city", "title", "theme", "form", "start", "end", "place", "newsDue", "news"],
      activities.map((a) => [
        a.unit,
        city(a.city),
        a.title,
        a.theme,
        a.form,
        shanghai(a.startsAt),
        shanghai(a.endsAt),
        a.place,
        shanghai(a.newsDueAt),
        status(a.newsLate),
      ]),
    ],
    [
      EXPORT_SHEETS[1],
      ["unit", "city", "title", "newsDue", "filed", "news", "images", "videos", "text"],
      news.map((a) => [
        a.unit,
        city(a.city),
        a.title,
        shanghai(a.newsDueAt),
        shanghai(a.newsFiledAt),
        status(a.newsLate),
        a.images,
        a.videos,
        a.newsText ?? "",
      ]),
    ],
    [
      EXPORT_SHEETS[2],
      ["unit", "city", "kind", "activities", "summaryDue", "filed", "summary"],
      units.map((u) => [
        u.unit,
        city(u.city),
        u.kind,
        u.activities,
        shanghai(u.summaryDueAt ?? week.summaryDueAt),
        shanghai(u.summaryFiledAt),
        status(u.summaryLate),
      ]),
    ],
    [
      EXPORT_SHEETS[3],
      ["city", "activities", "onTime", "late", "missing", "missingPastDue", "rate", "package"],
      data.cities.map((c) => [
        city(c.city),
        c.activities,
        c.onTime,
        c.late,
        c.missing,
        c.missingPastDue,
        percentText(c.rate),
        shanghai(c.packageSubmittedAt),
      ]),
    ],
  ];
  // Loaded when first needed, as the other exports do: exceljs is large.
  const { default: ExcelJS } = await import("exceljs");
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  for (const [name, header, rows] of sheets) {
    const sheet = book.addWorksheet(name);
    sheet.columns = header.map((key) => ({ header: t(key), width: key === "text" ? 60 : 16 }));
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).commit();
    for (const row of rows) sheet.addRow(row).commit();
    sheet.commit();
  }
  await book.commit();
}
