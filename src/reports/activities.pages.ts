import { Router, type Request } from "express";
import { CITIES } from "../accounts/cities.js";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { answerForm, wantsJson } from "../http/forms.js";
import { AppError } from "../lib/errors.js";
import { THEMES } from "./activities.rows.js";
import { receiveActivities, sendActivitiesTemplate } from "./activities.routes.js";
import { parseActivitiesPageQuery, type ActivitiesPageQuery } from "./activities.schemas.js";
import * as activities from "./activities.service.js";

/** Activities per page of the registry. */
const PAGE_SIZE = 50;

/**
 * `/reports/activities`: the organizer imports the week's spreadsheet (upload with progress, then each
 * bad row's number and reason) and browses the activities by city, unit and theme; a coordinator sees
 * his city's, read only.
 */
export function activitiesPages(ctx: AppContext): Router {
  const router = Router();

  const page = async (req: Request, query: ActivitiesPageQuery, report?: activities.ImportReport) => {
    const user = req.user!;
    const organizer = user.role === "organizer";
    const base = {
      title: req.t("reports.activities.title"),
      organizer,
      report,
      filter: { city: query.city ?? "", unit: query.unit ?? "", theme: query.theme ?? "" },
      cities: CITIES.map((c) => ({ name: c.name, selected: c.name === query.city })),
      themes: THEMES.map((t) => ({ name: t.name, selected: t.name === query.theme })),
    };
    const number = Number(query.page ?? "1");
    let list: activities.ActivityList;
    try {
      list = await activities.listActivities(ctx, user, query, { limit: PAGE_SIZE, offset: (number - 1) * PAGE_SIZE });
    } catch (err) {
      // No week yet: the page says so (and the organizer opens one) instead of an error page.
      if (err instanceof AppError && err.code === "no_report_week") return { ...base, noWeek: true };
      throw err;
    }
    const pages = Math.max(1, Math.ceil(list.total / PAGE_SIZE));
    const link = (n: number) => {
      const params = new URLSearchParams({ ...base.filter, page: String(n) });
      return `/reports/activities?${params.toString()}`;
    };
    return {
      ...base,
      week: list.week,
      total: list.total,
      activities: list.activities.map((a) => ({
        ...a,
        newsStatus: a.news ? (a.news.late ? "late" : "filed") : "missing",
      })),
      pageNumber: number,
      pages,
      prev: number > 1 ? link(number - 1) : null,
      next: number < pages ? link(number + 1) : null,
    };
  };

  router.get("/reports/activities", requireRole("organizer", "coordinator"), async (req, res) => {
    const report = req.session.activityImport;
    if (report) delete req.session.activityImport;
    res.render("reports/activities", await page(req, parseActivitiesPageQuery(req.query), report));
  });

  router.get("/reports/activities/template", requireRole("organizer"), (req, res) => sendActivitiesTemplate(req, res));

  // Multipart: the session and the CSRF token (?_csrf= or the header) are checked before the body is read.
  router.post("/reports/activities/import", requireRole("organizer"), async (req, res) => {
    await answerForm(req, res, { view: "reports/activities", page: () => page(req, {}) }, async () => {
      const report = await receiveActivities(ctx, req, res);
      if (wantsJson(req)) {
        // The upload script goes to the registry, which shows this report once.
        req.session.activityImport = report;
        res.json({ ...report, redirect: "/reports/activities" });
        return;
      }
      res.render("reports/activities", await page(req, {}, report));
    });
  });

  return router;
}
