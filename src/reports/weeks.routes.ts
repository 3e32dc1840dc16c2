import { Router } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { parseCreateWeekBody } from "./weeks.schemas.js";
import * as weeks from "./weeks.service.js";

/** The reporting weeks (DESIGN §3): the organizer opens one; the latest is the current week. */
export function weeksApi(ctx: AppContext): Router {
  const router = Router();
  router.post("/report-weeks", requireRole("organizer"), async (req, res) => {
    res.status(201).json({ week: await weeks.createWeek(ctx, req.user!, parseCreateWeekBody(req.body)) });
  });
  router.get("/report-weeks", requireRole("organizer"), async (_req, res) => {
    res.json({ weeks: await weeks.listWeeks(ctx) });
  });
  return router;
}
