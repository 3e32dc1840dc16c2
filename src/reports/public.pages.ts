import { Router } from "express";
import { cityLabel } from "../accounts/cities.js";
import type { AppContext } from "../context.js";
import { routeParam } from "../http/params.js";
import { sendFile } from "../http/send-file.js";
import { formatShanghaiDay } from "../lib/time.js";
import { parsePublicPageQuery } from "./dashboard.schemas.js";
import { publicCity, publicReportFile, publishedCities } from "./public.service.js";

/** The public 网络展厅: no login, published news only. */
export function publicReportsPages(ctx: AppContext): Router {
  const router = Router();

  router.get("/reports", async (req, res) => {
    parsePublicPageQuery(req.query);
    const cities = await publishedCities(ctx);
    res.render("reports/public-index", {
      title: req.t("reports.public.title"),
      cities: cities.map((c) => ({
        ...c,
        name: cityLabel(c.city, req.locale),
        href: `/reports/cities/${encodeURIComponent(c.city)}`,
      })),
    });
  });

  router.get("/reports/cities/:city", async (req, res) => {
    const page = Number(parsePublicPageQuery(req.query).page ?? "1");
    const p = await publicCity(ctx, routeParam(req, "city"), page);
    const base = `/reports/cities/${encodeURIComponent(p.city)}`;
    res.render("reports/public-city", {
      title: req.t("reports.public.cityTitle", { city: cityLabel(p.city, req.locale) }),
      total: p.total,
      reports: p.reports.map((r) => ({
        ...r,
        day: formatShanghaiDay(r.startsAt, req.locale),
        images: r.images.map((id) => `/reports/files/${id}`),
        video: r.video && `/reports/files/${r.video}`,
      })),
      page: p.page,
      pages: p.pages,
      prev: p.page > 1 ? `${base}?page=${p.page - 1}` : null,
      next: p.page < p.pages ? `${base}?page=${p.page + 1}` : null,
    });
  });

  router.get(
    "/reports/files/:id",
    sendFile((req) => publicReportFile(ctx, req.user, routeParam(req))),
  );
  return router;
}
