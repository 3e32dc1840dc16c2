import { Router, type Request, type Response } from "express";
import type { SessionUser } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import { parseUpdateContestBody } from "../contests/contests.schemas.js";
import { getContest } from "../contests/contests.service.js";
import { assertMay, may } from "../contests/lifecycle.js";
import { parsePublicVotesText, parseTalkTimesText } from "../entries/code-lines.js";
import { myEntries } from "../entries/entries.service.js";
import { requireRole } from "../http/auth.js";
import { routeParam } from "../http/params.js";
import { sendFile } from "../http/send-file.js";
import { flash } from "../http/flash.js";
import { confirmed } from "../http/confirm.js";
import { answerForm, fieldText, formFields, safeNext, text, type Refusal } from "../http/forms.js";
import { receiveUpload } from "../http/upload.js";
import { formatShanghai } from "../lib/time.js";
import { recordPublicVotes, setTalkTimes } from "./inputs.service.js";
import * as objections from "./objections.service.js";
import { isPublic, prizeLabel, rowView, twoDecimals } from "./results.page-text.js";
import { objectionView, publicView } from "./results.public-page.js";
import { prizesFromForm, reviewView, talkTimesView, votesView } from "./results.review-page.js";
import { chooseAward } from "./awards.service.js";
import { choicesFromForm, extrasFromForm } from "./results.awards-page.js";
import * as publication from "./published.service.js";
import * as results from "./results.service.js";
import { parseAwardChoicesForm, parseResolveBody } from "./results.schemas.js";
import { sendResultsExport } from "./send-export.js";

/** Exports: the published snapshot in notice and final; before, the organizer's computation. Organizers' XLSX adds the score matrix. */
async function sendExport(ctx: AppContext, req: Request, res: Response, format: "csv" | "xlsx"): Promise<void> {
  const contest = await getContest(ctx, req.user, routeParam(req));
  const published = isPublic(contest)
    ? await publication.publishedResults(ctx, null, contest.id, req.locale)
    : await publication.publishedResults(ctx, req.user, contest.id, req.locale);
  await sendResultsExport(ctx, req, res, format, published);
}

/** A contestant's own entries with their published score, rank and prize, contest by contest. */
async function myResultsView(ctx: AppContext, req: Request, user: SessionUser) {
  const entries = await myEntries(ctx, user);
  const contestIds = [...new Set(entries.map((e) => e.contestId))];
  const groups = [];
  for (const contestId of contestIds) {
    const contest = await getContest(ctx, user, contestId).catch(() => null);
    if (!contest) continue;
    const own = entries.filter((e) => e.contestId === contestId);
    let rows: {
      code: string;
      title: string;
      score: string | null;
      rank: number | null;
      prize: string;
      awards: string;
      n: number;
    }[] = [];
    const published = isPublic(contest) ? await publication.publishedResults(ctx, user, contest.id, req.locale) : null;
    if (published) {
      const byEntry = new Map(published.results.map((r) => [r.entryId, r]));
      rows = own.map((e) => {
        const r = byEntry.get(e.id);
        return {
          code: e.code,
          title: e.title,
          score: r ? twoDecimals(r.score) : null,
          rank: r?.rank ?? null,
          prize: r?.prize ? prizeLabel(req, contest, r.prize) : "",
          awards: r ? rowView(req, contest, r).awardsText.join(req.locale === "en" ? "; " : "；") : "",
          n: published.results.length,
        };
      });
    }
    groups.push({
      contest,
      published: Boolean(published),
      rows,
      pending: own.map((e) => ({ code: e.code, title: e.title })),
    });
  }
  return { title: req.t("results.myTitle"), groups };
}

/** Pages for results: the organizer's review, the public notice with objections, objection handling, exports, my results. */
export function resultsPages(ctx: AppContext): Router {
  const router = Router();

  router.get("/contests/:id/review/results", requireRole("organizer"), async (req, res) => {
    const contest = await getContest(ctx, req.user, routeParam(req));
    assertMay(contest, "reviewResults");
    res.render("results/review", await reviewView(ctx, req, contest));
  });

  router.post("/contests/:id/review/results/compute", requireRole("organizer"), async (req, res) => {
    await answerForm(req, res, { back: `/contests/${routeParam(req)}/review/results` }, async () => {
      const computed = await results.computeContestResults(ctx, req.user!, routeParam(req));
      return req.t("results.computed", { ranked: computed.results.length });
    });
  });

  router.post("/contests/:id/review/results/prizes", requireRole("organizer"), async (req, res) => {
    await answerForm(req, res, { back: `/contests/${routeParam(req)}/review/results` }, async () => {
      const contest = await getContest(ctx, req.user, routeParam(req));
      const body = parseUpdateContestBody({ prizes: prizesFromForm(formFields(req), contest) });
      await results.changePrizes(ctx, req.user!, contest.id, body.prizes!);
      return req.t("results.prizesSaved");
    });
  });

  // The extra awards' rules (优秀奖 by count or ratio, named awards, 最佳人气奖): saved with the prizes, results recomputed.
  router.post("/contests/:id/review/results/awards", requireRole("organizer"), async (req, res) => {
    const back = `/contests/${routeParam(req)}/review/results#awards`;
    await answerForm(req, res, { back }, async () => {
      const contest = await getContest(ctx, req.user, routeParam(req));
      const body = parseUpdateContestBody({ prizes: { ...contest.prizes, extras: extrasFromForm(formFields(req)) } });
      await results.changePrizes(ctx, req.user!, contest.id, body.prizes!);
      return req.t("awards.saved");
    });
  });

  // One named award's choices, each place an entry with its own reason.
  router.post("/contests/:id/review/results/awards/:key", requireRole("organizer"), async (req, res) => {
    const back = `/contests/${routeParam(req)}/review/results#awards`;
    await answerForm(req, res, { back }, async () => {
      const { choices } = parseAwardChoicesForm(choicesFromForm(formFields(req)));
      const award = await chooseAward(ctx, req.user!, routeParam(req), routeParam(req, "key"), choices);
      return req.t("awards.chosen", { label: award.label, n: award.choices.length });
    });
  });

  /**
   * A block of "code value" lines from the review page (the public vote, talk times): saved, or on a
   * refusal the page again with the lines as typed and the message by the panel.
   */
  async function saveCodeLines(
    req: Request,
    res: Response,
    panel: "votes" | "talkTimes",
    save: (typed: string) => Promise<string>,
  ): Promise<void> {
    const typed = fieldText(formFields(req)[panel]);
    const page = async ({ body }: Refusal) => {
      const contest = await getContest(ctx, req.user, routeParam(req));
      const again =
        panel === "votes" ? await votesView(ctx, req, contest, typed) : await talkTimesView(ctx, req, contest, typed);
      return { ...(await reviewView(ctx, req, contest)), [panel]: again, [`${panel}Error`]: body };
    };
    await answerForm(req, res, { view: "results/review", page }, async () => {
      flash(req, "success", await save(typed));
      res.redirect(303, `/contests/${routeParam(req)}/review/results#${panel}`);
    });
  }

  router.post("/contests/:id/review/results/votes", requireRole("organizer"), (req, res) =>
    saveCodeLines(req, res, "votes", async (typed) => {
      const votes = parsePublicVotesText(typed);
      await recordPublicVotes(ctx, req.user!, routeParam(req), votes);
      return req.t("votes.saved", {
        n: Object.keys(votes).length,
        total: Object.values(votes).reduce((a, b) => a + b, 0),
      });
    }),
  );

  router.post("/contests/:id/review/results/talk-times", requireRole("organizer"), (req, res) =>
    saveCodeLines(req, res, "talkTimes", async (typed) =>
      req.t("talkTimes.saved", { n: await setTalkTimes(ctx, req.user!, routeParam(req), parseTalkTimesText(typed)) }),
    ),
  );

  router.get("/contests/:id/results", async (req, res) => {
    const contest = await getContest(ctx, req.user, routeParam(req));
    res.render("results/public", await publicView(ctx, req, contest));
  });

  // An objection through the page: multipart (the evidence file), CSRF token from ?_csrf= or the header.
  router.post("/contests/:id/objections", requireRole(), async (req, res) => {
    const page = async ({ typed }: Refusal) => {
      const contest = await getContest(ctx, req.user, routeParam(req));
      return publicView(ctx, req, contest, {
        entryId: typeof typed.entryId === "string" ? typed.entryId : undefined,
        text: typeof typed.text === "string" ? typed.text : undefined,
      });
    };
    await answerForm(req, res, { view: "results/public", page }, async () => {
      // Stage, window and the person's limit before a byte of the body (and its evidence) is read.
      await objections.assertMayObject(ctx, req.user!, routeParam(req));
      const upload = await receiveUpload(req, res, ctx.storage, objections.evidenceLimits(ctx));
      const { _csrf: _token, ...fields } = upload.fields;
      await objections.fileObjection(ctx, req.user!, routeParam(req), { fields, files: upload.files });
      flash(req, "success", req.t("results.objectionFiled"));
      res.redirect(303, `/contests/${routeParam(req)}/results#my-objections`);
    });
  });

  router.get("/contests/:id/objections", requireRole("organizer"), async (req, res) => {
    const contest = await getContest(ctx, req.user, routeParam(req));
    const all = await objections.listObjections(ctx, req.user!, contest.id);
    const rescore = await objections.rescoreChoices(ctx, req.user!, contest.id, all);
    const list = all.map((o) => ({
      ...objectionView(req, o),
      createdAtText: formatShanghai(o.createdAt, req.locale),
      resolvedAtText: formatShanghai(o.resolvedAt, req.locale),
      rescoreChoice: rescore.get(o.id) ?? null,
    }));
    const snapshots = (await publication.publishedResults(ctx, req.user, contest.id, req.locale)).snapshots;
    res.render("results/objections", {
      title: req.t("results.objectionsTitle"),
      contest,
      objections: list,
      open: list.filter((o) => o.status === "open").length,
      may: may(contest),
      snapshots: snapshots.length,
    });
  });

  router.post("/objections/:id/resolve", requireRole("organizer"), async (req, res) => {
    const fields = formFields(req);
    await answerForm(req, res, { back: "/" }, async () => {
      const decision = text(fields, "decision");
      const body = parseResolveBody({
        decision: decision ?? "",
        reply: typeof fields.reply === "string" ? fields.reply : "",
        ...(decision === "upheld" && fields.disqualify === "true" ? { disqualify: true } : {}),
        ...(decision === "upheld" && text(fields, "rescoreJudgeId")
          ? { rescoreJudgeId: text(fields, "rescoreJudgeId") }
          : {}),
      });
      const asked = confirmed(req, res, {
        title: req.t("stageConfirm.resolveTitle"),
        consequences: [
          req.t(`stageConfirm.resolve.${body.decision}`),
          ...(body.disqualify ? [req.t("stageConfirm.resolveDisqualify")] : []),
        ],
        cancelHref: safeNext(fields.next, "/"),
        confirmLabel: req.t("results.resolve"),
      });
      if (!asked) return undefined;
      await objections.resolveObjection(ctx, req.user!, routeParam(req), body);
      return req.t(
        body.disqualify ? "results.resolvedRepublished" : body.rescoreJudgeId ? "rescore.ordered" : "results.resolved",
      );
    });
  });

  // Republishing after a re-scoring freezes a new snapshot: said first, then done.
  router.post("/objections/:id/republish", requireRole("organizer"), async (req, res) => {
    const back = safeNext(formFields(req).next, "/");
    const confirmation = {
      title: req.t("rescore.republish"),
      consequences: [req.t("rescore.confirmRecompute"), req.t("rescore.confirmSnapshot")],
      cancelHref: back,
    };
    if (!confirmed(req, res, confirmation)) return;
    await answerForm(req, res, { back }, async () => {
      await objections.republishRescored(ctx, req.user!, routeParam(req));
      return req.t("rescore.republished");
    });
  });

  router.get(
    "/objections/:id/evidence",
    requireRole(),
    sendFile((req) => objections.evidenceFile(ctx, req.user!, routeParam(req))),
  );

  router.get("/contests/:id/results.csv", (req, res) => sendExport(ctx, req, res, "csv"));
  router.get("/contests/:id/results.xlsx", (req, res) => sendExport(ctx, req, res, "xlsx"));

  router.get("/my/results", requireRole(), async (req, res) => {
    res.render("results/mine", await myResultsView(ctx, req, req.user!));
  });

  return router;
}
