import { Router, type Request } from "express";
import type { AppContext } from "../context.js";
import { listContests } from "../contests/contests.service.js";
import { requireRole } from "../http/auth.js";
import { parseAuditQuery } from "./audit.schemas.js";
import { auditCsv, auditFilterChoices, auditLog } from "./audit.service.js";

/** The query's filters; on the page, a filter's "all" option sends an empty value, which means no filter. */
function filterOf(req: Request, form = false) {
  const given = form ? Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== "")) : req.query;
  const { page, lang: _lang, ...filter } = parseAuditQuery(given);
  return { ...filter, page: page ? Number(page) : 1 };
}

/** The same filters in a link, for paging and the CSV. */
function queryOf(filter: object, extra: Record<string, string | number> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (typeof v === "string" && k !== "page") params.set(k, v);
  for (const [k, v] of Object.entries(extra)) params.set(k, String(v));
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function auditApi(ctx: AppContext): Router {
  const router = Router();
  router.get("/audit", requireRole("organizer"), async (req, res) => {
    const { records, page, pageSize } = await auditLog(ctx.db, filterOf(req), req.locale);
    res.json({ records, page, pageSize });
  });
  return router;
}

export function auditPages(ctx: AppContext): Router {
  const router = Router();
  router.get("/admin/audit", requireRole("organizer"), async (req, res) => {
    const filter = filterOf(req, true);
    const [log, choices, contests] = await Promise.all([
      auditLog(ctx.db, filter, req.locale),
      auditFilterChoices(ctx.db, req.locale),
      listContests(ctx, req.user),
    ]);
    const selected = (list: { value: string }[], value: string | undefined) =>
      list.map((o) => ({ ...o, selected: o.value === value }));
    res.render("audit/list", {
      title: req.t("audit.title"),
      records: log.records,
      filters: {
        contests: selected(
          contests.map((c) => ({ value: c.id, label: c.title })),
          filter.contestId,
        ),
        actors: selected(
          choices.actors.map((a) => ({ value: a.id, label: a.name })),
          filter.actorId,
        ),
        actions: selected(
          choices.actions.map((a) => ({ value: a.action, label: a.label })),
          filter.action,
        ),
      },
      csvHref: `/admin/audit.csv${queryOf(filter)}`,
      nextHref: log.hasMore ? `/admin/audit${queryOf(filter, { page: log.page + 1 })}` : null,
      prevHref: log.page > 1 ? `/admin/audit${queryOf(filter, { page: log.page - 1 })}` : null,
      page: log.page,
    });
  });
  router.get("/admin/audit.csv", requireRole("organizer"), async (req, res) => {
    const { page: _page, ...filter } = filterOf(req, true);
    res
      .type("text/csv; charset=utf-8")
      .attachment("audit-log.csv")
      .send(await auditCsv(ctx.db, filter, req.locale));
  });
  return router;
}
