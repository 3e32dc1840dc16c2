import { Router } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { flash } from "../http/flash.js";
import { confirmed } from "../http/confirm.js";
import { answerForm, fieldText, formFields, safeNext } from "../http/forms.js";
import { routeParam } from "../http/params.js";
import { presentContest } from "../contests/contests.presenter.js";
import { parseStageBody, parseUpdateContestBody } from "../contests/contests.schemas.js";
import { assertMayMove, assertNoticeExtension, getContest, updateContest } from "../contests/contests.service.js";
import { assertMay } from "../contests/lifecycle.js";
import { formatShanghai, shanghaiLocalToIso } from "../lib/time.js";
import { stageConfirmation } from "./stages.confirmation.js";
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

/**
 * The contest page's stage buttons and the notice extension: each asks first (http/confirm.ts), saying
 * what will happen; a move the lifecycle refuses is refused before asking (409, nothing written).
 */
export function stagesPages(ctx: AppContext): Router {
  const router = Router();

  router.post("/contests/:id/stage", requireRole("organizer"), async (req, res) => {
    const fields = formFields(req);
    const to = parseStageBody({ to: fields.to }).to;
    const contest = await getContest(ctx, req.user, routeParam(req));
    const now = ctx.clock.now();
    assertMayMove(contest, to, now);
    const back = safeNext(fields.next, `/contests/${contest.id}`);
    if (!confirmed(req, res, stageConfirmation(req, contest, to, now, back))) return;
    const moved = await moveContestStage(ctx, req.user!, contest.id, to);
    flash(req, "success", req.t("contests.stageMoved", { stage: req.t(`stage.${moved.stage}`) }));
    res.redirect(back);
  });

  router.post("/contests/:id/notice", requireRole("organizer"), async (req, res) => {
    const back = `/contests/${routeParam(req)}`;
    await answerForm(req, res, { back }, async () => {
      const typed = fieldText(formFields(req).noticeEndsAt).trim();
      const body = parseUpdateContestBody({ noticeEndsAt: shanghaiLocalToIso(typed) ?? typed });
      const contest = await getContest(ctx, req.user, routeParam(req));
      assertMay(contest, "extendNotice");
      assertNoticeExtension(contest, body.noticeEndsAt!);
      const at = (iso: string) => formatShanghai(iso, req.locale);
      const asked = confirmed(req, res, {
        title: req.t("noticeWindow.extend"),
        consequences: [
          req.t("noticeWindow.extendFromTo", { from: at(contest.noticeEndsAt ?? ""), to: at(body.noticeEndsAt!) }),
          req.t("noticeWindow.extendNoReturn"),
        ],
        cancelHref: back,
      });
      if (!asked) return undefined;
      const extended = await updateContest(ctx, req.user!, contest.id, body);
      return req.t("noticeWindow.extended", { time: at(extended.noticeEndsAt!) });
    });
  });

  return router;
}
