import { Router } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { parseStatisticsQuery } from "./statistics.schemas.js";
import { statistics } from "./statistics.service.js";

export function statisticsApi(ctx: AppContext): Router {
  const router = Router();
  router.get("/statistics", requireRole("organizer", "coordinator"), async (req, res) => {
    const query = parseStatisticsQuery(req.query);
    res.json({ statistics: await statistics(ctx, req.user!, query.contest) });
  });
  return router;
}
