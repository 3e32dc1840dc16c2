import { Router } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { parseAuditQuery } from "./audit.schemas.js";
import { auditLog } from "./audit.service.js";

function filterOf(query: unknown) {
  const q = parseAuditQuery(query);
  return { targetType: q.targetType, targetId: q.targetId, page: q.page ? Number(q.page) : 1 };
}

export function auditApi(ctx: AppContext): Router {
  const router = Router();
  router.get("/audit", requireRole("organizer"), async (req, res) => {
    res.json(await auditLog(ctx.db, filterOf(req.query)));
  });
  return router;
}

export function auditPages(ctx: AppContext): Router {
  const router = Router();
  router.get("/admin/audit", requireRole("organizer"), async (req, res) => {
    const log = await auditLog(ctx.db, filterOf(req.query));
    res.render("audit/list", {
      title: req.t("audit.title"),
      records: log.records.map((r) => ({ ...r, detailsText: JSON.stringify(r.details) })),
      page: log.page,
      nextPage: log.records.length === log.pageSize ? log.page + 1 : null,
      prevPage: log.page > 1 ? log.page - 1 : null,
    });
  });
  return router;
}
