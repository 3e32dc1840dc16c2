import { Router, type Request, type Response } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { reportsExport, writeReportsXlsx } from "./dashboard.exports.js";
import { parseDashboardQuery } from "./dashboard.schemas.js";
import { dashboard } from "./dashboard.service.js";

/** The XLSX download of the week (organizer), for the API and the dashboard page's link alike. */
export async function sendReportsXlsx(ctx: AppContext, req: Request, res: Response): Promise<void> {
  const query = parseDashboardQuery(req.query);
  const data = await reportsExport(ctx, req.user!, query.week);
  res
    .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    .attachment(`reports-${data.week.id}.xlsx`);
  await writeReportsXlsx(data, req.locale, res);
}

/** The reporting dashboard's figures and export (DESIGN §3). */
export function dashboardApi(ctx: AppContext): Router {
  const router = Router();
  router.get("/reports/dashboard", requireRole("organizer", "coordinator"), async (req, res) => {
    res.json({ dashboard: await dashboard(ctx, req.user!, parseDashboardQuery(req.query).week) });
  });
  router.get("/reports/export.xlsx", requireRole("organizer"), (req, res) => sendReportsXlsx(ctx, req, res));
  return router;
}
