import { Router } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { confirmed } from "../http/confirm.js";
import { flash } from "../http/flash.js";
import { answerForm, fieldText, formFields } from "../http/forms.js";
import { routeParam } from "../http/params.js";
import { getContest } from "../contests/contests.service.js";
import { reviewView } from "./results.review-page.js";
import { parseAcceptShortPanelBody } from "./results.schemas.js";
import { acceptShortPanel } from "./short-panels.service.js";

/** POST /contests/:id/short-panels {entryId, reason}: a short panel accepted with a written reason (DESIGN §3). */
export function shortPanelsApi(ctx: AppContext): Router {
  const router = Router();
  router.post("/contests/:id/short-panels", requireRole("organizer"), async (req, res) => {
    const shortPanel = await acceptShortPanel(ctx, req.user!, routeParam(req), parseAcceptShortPanelBody(req.body));
    res.status(201).json({ shortPanel });
  });
  return router;
}

/** The review page's acceptance form: confirmed first, as the reason is published with the results. */
export function shortPanelsPages(ctx: AppContext): Router {
  const router = Router();
  router.post("/contests/:id/review/results/short-panels", requireRole("organizer"), async (req, res) => {
    const fields = formFields(req);
    const page = async () => {
      const contest = await getContest(ctx, req.user, routeParam(req));
      return { ...(await reviewView(ctx, req, contest, fields)), fieldsBeside: true };
    };
    await answerForm(req, res, { view: "results/review", page }, async () => {
      const body = parseAcceptShortPanelBody({ entryId: fieldText(fields.entryId), reason: fieldText(fields.reason) });
      const code = fieldText(fields.code);
      const back = `/contests/${routeParam(req)}/review/results`;
      if (
        !confirmed(req, res, {
          title: req.t("shortPanels.confirmTitle", { code }),
          consequences: [req.t("shortPanels.confirmRanked", { code }), req.t("shortPanels.confirmPrinted")],
          cancelHref: back,
        })
      )
        return;
      const accepted = await acceptShortPanel(ctx, req.user!, routeParam(req), body);
      flash(req, "success", req.t("shortPanels.accepted", { code: accepted.code }));
      res.redirect(303, `${back}#short-panels`);
    });
  });
  return router;
}
