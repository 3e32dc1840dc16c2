import { Router, type Request } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { flash } from "../http/flash.js";
import { answerForm, wantsJson } from "../http/forms.js";
import { formatShanghai } from "../lib/time.js";
import { receiveSummary } from "./summaries.routes.js";
import * as summaries from "./summaries.service.js";

/** `/reports/summary`: the reporter files his unit's summary document and video, or replaces them until the package is in. */
export function summariesPages(ctx: AppContext): Router {
  const router = Router();

  const page = async (req: Request) => {
    const mine = await summaries.mySummary(ctx, req.user!);
    // Files are read through the pages' session route (the API's needs a token).
    const withPageUrl = (file: { id: string } | null) => file && { ...file, pageUrl: `/reports/files/${file.id}` };
    return {
      title: req.t("reports.summary.title"),
      unit: mine.unit,
      week: mine.week,
      dueText: formatShanghai(mine.week.summaryDueAt, req.locale),
      summary: mine.summary && {
        ...mine.summary,
        filedText: formatShanghai(mine.summary.filedAt, req.locale),
        document: withPageUrl(mine.summary.document),
        video: withPageUrl(mine.summary.video),
      },
      open: mine.open,
    };
  };

  router.get("/reports/summary", requireRole("reporter"), async (req, res) => {
    res.render("reports/summary", await page(req));
  });

  router.post("/reports/summary", requireRole("reporter"), async (req, res) => {
    const before = await summaries.mySummary(ctx, req.user!);
    const unitId = before.unit.id;
    await (before.summary ? summaries.assertMayEditSummary : summaries.assertMayFileSummary)(ctx, req.user!, unitId);
    await answerForm(req, res, { view: "reports/summary", page: () => page(req) }, async () => {
      const upload = await receiveSummary(ctx, req, res);
      const late = before.summary
        ? (await summaries.editSummary(ctx, req.user!, unitId, upload)).late
        : (await summaries.fileSummary(ctx, req.user!, unitId, upload)).late;
      flash(req, "success", req.t(late ? "reports.summary.filedLate" : "reports.summary.filed"));
      // The upload script (progress bars) asks for JSON and goes where it is told.
      if (wantsJson(req)) res.json({ redirect: "/reports/summary" });
      else res.redirect(303, "/reports/summary");
    });
  });

  return router;
}
