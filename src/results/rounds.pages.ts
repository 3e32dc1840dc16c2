import { Router, type Request } from "express";
import type { AppContext } from "../context.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import { assertMay } from "../contests/lifecycle.js";
import { requireRole } from "../http/auth.js";
import { confirmed } from "../http/confirm.js";
import { flash } from "../http/flash.js";
import { answerForm, formFields } from "../http/forms.js";
import { routeParam } from "../http/params.js";
import { currentRound, listRounds, publishFinalists, settingsOf } from "../judging/judging.service.js";
import { roundLabel } from "../judging/round-names.js";
import * as advancement from "./advancement.service.js";
import { resultsJson } from "./results.service.js";
import {
  finalistsView,
  nextRoundView,
  openConfirmation,
  roundBodyFromForm,
  roundResultsView,
  roundsView,
} from "./rounds.page-view.js";
import { parseFinalRoundBody, parseRoundNumber } from "./results.schemas.js";

/** The organizer's rounds pages (list, opening the next round with its preview, each round's results) and the public finalists list. */
export function roundsPages(ctx: AppContext): Router {
  const router = Router();
  const roundNumber = (req: Request) => Number(parseRoundNumber(req.params.number));

  /** The form's fields → the API body and who it advances, exactly as opening computes it. */
  async function previewFromForm(req: Request, contest: Contest, fields: Record<string, unknown>) {
    const previous = settingsOf(contest, await currentRound(ctx, ctx.db, contest)).rubric;
    const body = parseFinalRoundBody(roundBodyFromForm(fields, previous));
    const preview = await advancement.previewAdvancement(ctx, req.user!, contest.id, advancement.advancementOf(body));
    return { body, preview };
  }

  router.get("/contests/:id/rounds", requireRole("organizer"), async (req, res) => {
    const contest = await getContest(ctx, req.user, routeParam(req));
    res.render("results/rounds", await roundsView(ctx, req, contest));
  });

  // The form, and with ?value=… the preview of who advances (a GET: nothing is written).
  router.get("/contests/:id/rounds/next", requireRole("organizer"), async (req, res) => {
    const contest = await getContest(ctx, req.user, routeParam(req));
    assertMay(contest, "openRounds");
    const typed = req.query as Record<string, unknown>;
    if (typed.value === undefined) {
      res.render("results/rounds-next", await nextRoundView(ctx, req, contest, typed));
      return;
    }
    const page = async ({ fieldErrors }: { fieldErrors: Record<string, string> }) =>
      nextRoundView(ctx, req, contest, typed, null, fieldErrors);
    await answerForm(req, res, { view: "results/rounds-next", page }, async () => {
      const { preview } = await previewFromForm(req, contest, typed);
      res.render("results/rounds-next", await nextRoundView(ctx, req, contest, typed, preview));
    });
  });

  // Opening is irreversible: the confirmation says who advances and what the new round will be.
  router.post("/contests/:id/rounds", requireRole("organizer"), async (req, res) => {
    const contest = await getContest(ctx, req.user, routeParam(req));
    const fields = formFields(req);
    const page = async ({ fieldErrors }: { fieldErrors: Record<string, string> }) =>
      nextRoundView(ctx, req, contest, fields, null, fieldErrors);
    await answerForm(req, res, { view: "results/rounds-next", page }, async () => {
      const { body, preview } = await previewFromForm(req, contest, fields);
      if (!confirmed(req, res, openConfirmation(req, body, preview))) return;
      await advancement.advanceToFinal(ctx, req.user!, contest.id, body);
      flash(req, "success", req.t("rounds.opened", { name: body.name, n: preview.finalists.length }));
      res.redirect(303, `/contests/${contest.id}/rounds`);
    });
  });

  router.get("/contests/:id/rounds/:number/results", requireRole("organizer"), async (req, res) => {
    const { contest, round, results } = await advancement.roundResults(
      ctx,
      req.user!,
      routeParam(req),
      roundNumber(req),
    );
    const hasNext = (await listRounds(ctx, contest)).some((r) => r.round.number === round.number + 1);
    const list = hasNext ? await advancement.finalistsList(ctx, req.user, contest.id, round.number) : null;
    const next = list && {
      advancement: list.next.advancement,
      entryIds: new Set(list.finalists.map((f) => f.entryId)),
    };
    res.render(
      "results/round-results",
      roundResultsView(req, contest, round, results, await resultsJson(ctx, results, req.locale), next),
    );
  });

  // Publishing the finalists list is irreversible: confirmed first, then audited.
  router.post("/contests/:id/rounds/:number/publish", requireRole("organizer"), async (req, res) => {
    const list = await advancement.finalistsList(ctx, req.user, routeParam(req), roundNumber(req));
    const round = roundLabel(list.round.name, req.locale);
    const back = `/contests/${list.contest.id}/rounds`;
    const confirmation = {
      title: req.t("rounds.confirmPublishTitle", { round }),
      consequences: [
        req.t("rounds.confirmPublishPublic", { round, n: list.finalists.length }),
        req.t("rounds.confirmPublishPermanent"),
      ],
      cancelHref: back,
    };
    if (!confirmed(req, res, confirmation)) return;
    await answerForm(req, res, { back }, async () => {
      await publishFinalists(ctx, req.user!, list.contest, list.round.number);
      return req.t("rounds.publishedFlash", { round });
    });
  });

  // The published finalists list: no login needed (organizers see it before publishing, marked as a draft).
  router.get("/contests/:id/rounds/:number/finalists", async (req, res) => {
    const list = await advancement.finalistsList(ctx, req.user, routeParam(req), roundNumber(req));
    res.render("results/finalists", finalistsView(req, list));
  });

  return router;
}
