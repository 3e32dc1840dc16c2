import { Router, type Request } from "express";
import { cityLabel } from "../accounts/cities.js";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { barChart, type BarSeries } from "../lib/svg.js";
import { formatShanghai } from "../lib/time.js";
import { percentText } from "./dashboard.rates.js";
import { sendReportsXlsx } from "./dashboard.routes.js";
import { parseDashboardQuery } from "./dashboard.schemas.js";
import { dashboard, type CityFigures, type Dashboard } from "./dashboard.service.js";

const BLUE = "#0b5cad";

/** One chart with its table fallback: the same numbers, readable without the picture. */
function chart(req: Request, id: string, series: BarSeries[], rows: { name: string; values: number[] }[]) {
  return {
    id,
    heading: req.t(`reports.dashboard.${id}`),
    svg: barChart({
      series,
      rows,
      title: req.t(`reports.dashboard.${id}`),
      empty: req.t("reports.dashboard.empty"),
      id: `chart-${id}`,
      rowAttribute: "key",
      className: "report-chart",
    }),
    columns: series.map((s) => s.label),
    rows,
  };
}

function counts(req: Request, id: string, rows: { key: string; count: number }[]) {
  const series = [{ key: "activities", label: req.t("reports.dashboard.activities"), colour: BLUE }];
  return chart(
    req,
    id,
    series,
    rows.map((r) => ({ name: r.key, values: [r.count] })),
  );
}

function cityRow(req: Request, c: CityFigures, name: string) {
  return {
    ...c,
    name,
    rateText: percentText(c.rate),
    packageText: c.packageSubmittedAt ? formatShanghai(c.packageSubmittedAt, req.locale) : "",
  };
}

function view(req: Request, d: Dashboard) {
  const cities = d.cities.map((c) => cityRow(req, c, cityLabel(c.city, req.locale)));
  const rate = { key: "rate", label: req.t("reports.dashboard.ratePercent"), colour: "#2e7d32" };
  const kindSeries = [
    { key: "units", label: req.t("reports.dashboard.units"), colour: "#b8860b" },
    { key: "activities", label: req.t("reports.dashboard.activities"), colour: BLUE },
  ];
  return {
    title: req.t("reports.dashboard.title"),
    week: { ...d.week, summaryDueText: formatShanghai(d.week.summaryDueAt, req.locale) },
    city: d.city,
    exportHref: d.city === null ? `/reports/export.xlsx?week=${encodeURIComponent(d.week.id)}` : null,
    charts: [
      counts(req, "byTheme", d.byTheme),
      counts(req, "byForm", d.byForm),
      counts(req, "byDay", d.byDay),
      chart(
        req,
        "kinds",
        kindSeries,
        d.kinds.map((k) => ({ name: k.kind, values: [k.units, k.activities] })),
      ),
    ],
    // Rates as whole tenths of a percent, the precision the table prints.
    rateChart: chart(
      req,
      "rateByCity",
      [rate],
      d.cities
        .filter((c) => c.rate !== null)
        .map((c) => ({ name: cityLabel(c.city, req.locale), values: [Math.round(c.rate! * 1000) / 10] })),
    ),
    cities,
    totals: d.city === null ? cityRow(req, d.totals, req.t("reports.dashboard.total")) : null,
  };
}

/** `/reports/dashboard`: the organizer's view of every city, a coordinator's of his own. */
export function dashboardPages(ctx: AppContext): Router {
  const router = Router();
  router.get("/reports/dashboard", requireRole("organizer", "coordinator"), async (req, res) => {
    const d = await dashboard(ctx, req.user!, parseDashboardQuery(req.query).week);
    res.render("reports/dashboard", view(req, d));
  });
  router.get("/reports/export.xlsx", requireRole("organizer"), (req, res) => sendReportsXlsx(ctx, req, res));
  return router;
}
