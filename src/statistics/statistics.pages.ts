import { Router, type Request, type Response } from "express";
import { cityLabel } from "../accounts/cities.js";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { routeParam } from "../http/params.js";
import { formatShanghai } from "../lib/time.js";
import { cityChart } from "./statistics.chart.js";
import { statisticsCsv, statisticsXlsx } from "./statistics.exports.js";
import { statistics, type Statistics, type StatisticsRow } from "./statistics.service.js";

/** The page lists this many units; the exports hold them all. */
const UNITS_ON_PAGE = 100;

function rowView(row: StatisticsRow, name: string) {
  return {
    ...row,
    name,
    quotaText: row.quota === null ? "—" : `${row.recommended} / ${row.quota}`,
    prizeTotal: row.prizes.first + row.prizes.second + row.prizes.third,
  };
}

/** Which published results the prizes come from, in a sentence per contest. */
function prizeSourceText(req: Request, source: Statistics["prizeSources"][number]): string {
  return source.snapshot
    ? req.t("statistics.prizesFrom", {
        contest: source.title,
        kind: req.t(`statistics.snapshot.${source.snapshot.kind}`),
        at: formatShanghai(source.snapshot.createdAt, req.locale),
      })
    : req.t("statistics.prizesNone", { contest: source.title });
}

function render(req: Request, res: Response, stats: Statistics, base: string) {
  const cities = stats.cities.map((r) => rowView(r, cityLabel(r.name, req.locale)));
  res.render("statistics/show", {
    title: stats.contest ? req.t("statistics.contestTitle") : req.t("statistics.weekTitle"),
    contest: stats.contest,
    city: stats.city,
    prizeSources: stats.prizeSources.map((s) => ({ text: prizeSourceText(req, s), published: s.snapshot !== null })),
    chart: cityChart({
      rows: cities.map((r) => ({
        name: r.name,
        submitted: r.submitted,
        recommended: r.recommended,
        prizes: r.prizeTotal,
      })),
      labels: {
        title: req.t("statistics.chartTitle"),
        series: {
          submitted: req.t("statistics.col.submitted"),
          recommended: req.t("statistics.col.recommended"),
          prizes: req.t("statistics.col.prizes"),
        },
        empty: req.t("statistics.empty"),
      },
    }),
    cities,
    totals: rowView(stats.totals, req.t("statistics.total")),
    units: stats.units.slice(0, UNITS_ON_PAGE).map((r) => rowView(r, r.name || req.t("statistics.noUnit"))),
    unitsCut: stats.units.length > UNITS_ON_PAGE ? { shown: UNITS_ON_PAGE, total: stats.units.length } : null,
    csvHref: `${base}.csv`,
    xlsxHref: `${base}.xlsx`,
  });
}

async function sendExport(req: Request, res: Response, stats: Statistics, format: "csv" | "xlsx") {
  const name = stats.contest ? `statistics-${stats.contest.id}` : "statistics-week";
  if (format === "csv") {
    res.type("text/csv; charset=utf-8").attachment(`${name}.csv`).send(statisticsCsv(stats, req.locale));
    return;
  }
  res
    .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    .attachment(`${name}.xlsx`)
    .send(await statisticsXlsx(stats, req.locale));
}

export function statisticsPages(ctx: AppContext): Router {
  const router = Router();
  router.get("/statistics", requireRole("organizer"), async (req, res) => {
    render(req, res, await statistics(ctx, req.user!), "/statistics");
  });
  router.get("/contests/:id/statistics", requireRole("organizer", "coordinator"), async (req, res) => {
    const id = routeParam(req);
    render(req, res, await statistics(ctx, req.user!, id), `/contests/${id}/statistics`);
  });
  for (const format of ["csv", "xlsx"] as const) {
    router.get(`/statistics.${format}`, requireRole("organizer"), async (req, res) => {
      await sendExport(req, res, await statistics(ctx, req.user!), format);
    });
    router.get(`/contests/:id/statistics.${format}`, requireRole("organizer", "coordinator"), async (req, res) => {
      await sendExport(req, res, await statistics(ctx, req.user!, routeParam(req)), format);
    });
  }
  return router;
}
