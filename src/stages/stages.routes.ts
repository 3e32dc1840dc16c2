import { Router } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { flash } from "../http/flash.js";
import { formFields } from "../http/forms.js";
import { presentContest } from "../contests/contests.presenter.js";
import { parseStageBody } from "../contests/contests.schemas.js";
import { moveContestStage } from "./stages.service.js";

/** DESIGN §4: POST /contests/:id/stage moves a contest one stage on or back. */
export function stagesApi(ctx: AppContext): Router {
  const router = Router();

  router.post("/contests/:id/stage", requireRole("organizer"), async (req, res) => {
    res.json({
      contest: await presentContest(
        ctx,
        await moveContestStage(ctx, req.user!, String(req.params.id), parseStageBody(req.body).to),
      ),
    });
  });

  return router;
}

/** The contest page's stage buttons. */
export function stagesPages(ctx: AppContext): Router {
  const router = Router();

  router.post("/contests/:id/stage", requireRole("organizer"), async (req, res) => {
    const contest = await moveContestStage(
      ctx,
      req.user!,
      String(req.params.id),
      parseStageBody({ to: formFields(req).to }).to,
    );
    flash(req, "success", req.t("contests.stageMoved", { stage: req.t(`stage.${contest.stage}`) }));
    res.redirect(`/contests/${contest.id}`);
  });

  return router;
}
