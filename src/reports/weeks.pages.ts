import { Router, type Request } from "express";
import { cityLabel } from "../accounts/cities.js";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { flash } from "../http/flash.js";
import { answerForm, formFields, repeatedField, text } from "../http/forms.js";
import { routeParam } from "../http/params.js";
import { formatShanghai, shanghaiLocalToIso } from "../lib/time.js";
import { parseCreateEvaluationBody } from "./evaluation.schemas.js";
import { createEvaluation, evaluationsOfWeeks } from "./evaluation.service.js";
import { parseCreateWeekBody } from "./weeks.schemas.js";
import * as weeks from "./weeks.service.js";

/**
 * `/reports/weeks`: the organizer opens the week (title, summary deadline in Shanghai time), sees the
 * past ones, and makes each week's unit evaluation from its submitted city packages (or sees its contest).
 */
export function weeksPages(ctx: AppContext): Router {
  const router = Router();

  const page = async (req: Request) => {
    const list = await weeks.listWeeks(ctx);
    const evaluations = await evaluationsOfWeeks(
      ctx,
      list.map((w) => w.id),
    );
    return {
      title: req.t("reports.weeks.title"),
      weeks: list.map((w, i) => {
        const evaluation = evaluations.get(w.id);
        return {
          ...w,
          current: i === 0,
          summaryDueText: formatShanghai(w.summaryDueAt, req.locale),
          contestId: evaluation?.contestId ?? null,
          submittedCities: (evaluation?.submittedCities ?? []).map((c) => ({
            key: c,
            label: cityLabel(c, req.locale),
          })),
        };
      }),
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

  // The week's unit evaluation: with no city ticked, every city with activities must have submitted.
  router.post("/reports/weeks/:id/evaluation", requireRole("organizer"), async (req, res) => {
    await answerForm(req, res, { back: "/reports/weeks" }, async () => {
      const cities = repeatedField(formFields(req).cities);
      const body = parseCreateEvaluationBody(cities.length > 0 ? { cities } : {});
      const contest = await createEvaluation(ctx, req.user!, routeParam(req), body);
      return req.t("reports.evaluation.created", { title: contest.title });
    });
  });

  return router;
}
