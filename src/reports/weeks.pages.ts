import { Router, type Request } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { flash } from "../http/flash.js";
import { answerForm, formFields, text } from "../http/forms.js";
import { formatShanghai, shanghaiLocalToIso } from "../lib/time.js";
import { parseCreateWeekBody } from "./weeks.schemas.js";
import * as weeks from "./weeks.service.js";

/** `/reports/weeks`: the organizer opens the week (title, summary deadline in Shanghai time) and sees the past ones. */
export function weeksPages(ctx: AppContext): Router {
  const router = Router();

  const page = async (req: Request) => {
    const list = await weeks.listWeeks(ctx);
    return {
      title: req.t("reports.weeks.title"),
      weeks: list.map((w, i) => ({
        ...w,
        current: i === 0,
        summaryDueText: formatShanghai(w.summaryDueAt, req.locale),
      })),
    };
  };

  router.get("/reports/weeks", requireRole("organizer"), async (req, res) => {
    res.render("reports/weeks", await page(req));
  });

  router.post("/reports/weeks", requireRole("organizer"), async (req, res) => {
    await answerForm(
      req,
      res,
      { view: "reports/weeks", page: async ({ typed }) => ({ ...(await page(req)), values: typed }) },
      async () => {
        const f = formFields(req);
        // Typed in Shanghai time; a value that is no date goes on as typed, for the schema to refuse beside its field.
        const typed = text(f, "summaryDueAt") ?? "";
        const body = parseCreateWeekBody({
          title: text(f, "title") ?? "",
          summaryDueAt: shanghaiLocalToIso(typed) ?? typed,
        });
        const week = await weeks.createWeek(ctx, req.user!, body);
        flash(req, "success", req.t("reports.weeks.created", { title: week.title }));
        res.redirect(303, "/reports/weeks");
      },
    );
  });

  return router;
}
