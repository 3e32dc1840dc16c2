import { Router, type Request, type Response } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { isMultipart, receiveUpload } from "../http/upload.js";
import { AppError } from "../lib/errors.js";
import { parseListActivitiesQuery } from "./activities.schemas.js";
import * as activities from "./activities.service.js";

/** Receives the spreadsheet (multipart field `file`) and imports it; the role was checked before a byte was read. */
export async function receiveActivities(
  ctx: AppContext,
  req: Request,
  res: Response,
): Promise<activities.ImportReport> {
  if (!isMultipart(req)) throw new AppError(415, "multipart_required", "errors.activitiesMultipartRequired");
  const upload = await receiveUpload(req, res, ctx.storage, {
    [activities.ACTIVITIES_FIELD]: activities.ACTIVITIES_MAX_BYTES,
  });
  return activities.importActivities(ctx, req.user!, upload.files, req.locale);
}

/** Sends the template workbook to fill in (the API and the registry page's link). */
export async function sendActivitiesTemplate(req: Request, res: Response): Promise<void> {
  const book = await activities.activitiesTemplate(req.locale);
  res
    .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    .attachment(`${req.t("reports.activities.fileName")}.xlsx`)
    .send(book);
}

/** The activity registry (DESIGN §3): import, template, the role-scoped list. */
export function activitiesApi(ctx: AppContext): Router {
  const router = Router();
  router.post("/activities/import", requireRole("organizer"), async (req, res) => {
    res.json(await receiveActivities(ctx, req, res));
  });
  router.get("/activities/template", requireRole("organizer"), (req, res) => sendActivitiesTemplate(req, res));
  router.get("/activities", requireRole("organizer", "coordinator", "reporter"), async (req, res) => {
    const { activities: list } = await activities.listActivities(ctx, req.user!, parseListActivitiesQuery(req.query));
    res.json({ activities: list });
  });
  return router;
}
