import { Router } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { routeParam } from "../http/params.js";
import { parsePackageBody, parseReportStatusQuery } from "./packages.schemas.js";
import * as packages from "./packages.service.js";

/** The week's report status and the cities' packages (DESIGN §3 "Status", "City package"). */
export function packagesApi(ctx: AppContext): Router {
  const router = Router();
  router.get("/report-status", requireRole("organizer", "coordinator"), async (req, res) => {
    const status = await packages.reportStatus(ctx, req.user!, parseReportStatusQuery(req.query));
    const pkg = status.city === undefined ? undefined : status.packages[0];
    res.json({
      units: status.units.map((u) => ({
        unit: u.unit,
        unitId: u.unitId,
        city: u.city,
        kind: u.kind,
        activities: u.activities,
        onTime: u.onTime,
        late: u.late,
        missing: u.missing,
        summary: u.summary,
      })),
      package: pkg ? { submittedAt: pkg.submittedAt } : null,
    });
  });
  router.post("/cities/:city/package", requireRole("organizer", "coordinator"), async (req, res) => {
    const body = parsePackageBody(req.body ?? {});
    res.status(201).json({ package: await packages.submitPackage(ctx, req.user!, routeParam(req, "city"), body.week) });
  });
  return router;
}
