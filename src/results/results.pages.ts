import { roundLabel } from "../judging/round-names.js";
import { Router, type Request, type Response } from "express";
import type { SessionUser } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import { parseUpdateContestBody } from "../contests/contests.schemas.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import { assertMay, may, nextStage, onEntering } from "../contests/lifecycle.js";
import { codeLinesText, minutesSeconds, parsePublicVotesText, parseTalkTimesText } from "../entries/code-lines.js";
import { listEntries, myEntries } from "../entries/entries.service.js";
import { requireRole } from "../http/auth.js";
import { routeParam } from "../http/params.js";
import { sendFile } from "../http/send-file.js";
import { flash } from "../http/flash.js";
import { answerForm, fieldText, formFields, text, type Refusal } from "../http/forms.js";
import { receiveUpload } from "../http/upload.js";
import { StageError } from "../lib/errors.js";
import { formatDuration } from "../lib/i18n.js";
import { formatShanghai } from "../lib/time.js";
import { PRIZE_LEVELS, prizeCuts, scoreHistogram } from "./chart.js";
import { percent } from "./explain.js";
import { publicVotes, recordPublicVotes, setTalkTimes, talkTimes } from "./inputs.service.js";
import {
  BIAS_MIN_ENTRIES,
  judgeStatistics,
  OUTLIER_DEVIATIONS,
  OUTLIER_MIN_OTHERS,
  type StatSheet,
} from "./judge-stats.js";
import * as objections from "./objections.service.js";
import type { ObjectionJson } from "./objections.service.js";
import * as results from "./results.service.js";
import type { PublishedResults, ResultJson, RulesInForce } from "./results.service.js";
import { parseResolveBody } from "./results.schemas.js";
import { sendResultsExport } from "./send-export.js";

/** Rows of the score matrix rendered in the page; the XLSX export has them all. */
const MATRIX_ROWS = 300;

/** Scores, means and deviations as shown: two decimals, as the results list prints them. */
const twoDecimals = (n: number) => n.toFixed(2);
const signedTwoDecimals = (n: number) => (n > 0 ? `+${twoDecimals(n)}` : twoDecimals(n));

const isPublic = (contest: Contest) => may(contest).viewPublicResults;

/** The rules in force, in the reader's words, one sentence a line (DESIGN §3: printed on every results page). */
function rulesText(req: Request, rules: RulesInForce): string[] {
  const criteria = rules.criteria.map((c) => `“${c.label}”`).join(req.locale === "en" ? ", " : "、");
  const lines = [
    req.t("results.ruleRound", { round: roundLabel(rules.round.name, req.locale) }),
    req.t("results.ruleCriteria", { criteria, max: rules.criteria.reduce((n, c) => n + c.max, 0) }),
    req.t(
      `results.rule${rules.aggregation === "trimmed" ? "Trimmed" : rules.aggregation === "mean" ? "Mean" : "Zscore"}`,
    ),
    req.t("results.ruleRounding"),
    req.t("results.ruleTieBreak", { criteria }),
    rules.prizes.mode === "ratio"
      ? req.t("results.rulePrizeRatio", {
          first: percent(rules.prizes.first),
          second: percent(rules.prizes.second),
          third: percent(rules.prizes.third),
        })
      : req.t("results.rulePrizeCount", {
          first: rules.prizes.first,
          second: rules.prizes.second,
          third: rules.prizes.third,
        }),
    countsText(req, rules),
  ];
  if (rules.publicVoteWeight) {
    lines.push(
      req.t("results.rulePublicVote", {
        weight: percent(rules.publicVoteWeight),
        judgesWeight: percent(1 - rules.publicVoteWeight),
      }),
    );
  }
  const time = rules.timeRules;
  if (time) {
    const d = (s: number) => formatDuration(s, req.locale);
    lines.push(
      req.t("results.ruleTime", {
        target: d(time.targetSeconds),
        min: d(time.minSeconds),
        under: time.underPenalty,
        grace: time.graceSeconds,
        over: time.overPenalty,
        cutoff: d(time.cutoffSeconds),
      }),
    );
  }
  lines.push(req.t("results.ruleExcluded"));
  return lines;
}

function countsText(req: Request, rules: RulesInForce): string {
  const per = rules.prizeCounts.perLevel;
  return req.t("results.countsInForce", {
    ranked: rules.rankedEntries,
    first: per.first,
    second: per.second,
    third: per.third,
  });
}

interface ResultRowView extends ResultJson {
  scoreText: string;
  prizeLabel: string;
  authorsText: string;
}

function rowView(req: Request, r: ResultJson): ResultRowView {
  return {
    ...r,
    scoreText: twoDecimals(r.score),
    prizeLabel: r.prize ? req.t(`prize.${r.prize}`) : "",
    authorsText: (r.authors ?? []).join(req.locale === "en" ? ", " : "、"),
  };
}

function chartSvg(req: Request, rows: readonly ResultJson[]): string {
  return scoreHistogram({
    scores: rows.map((r) => r.score),
    cuts: prizeCuts(rows),
    labels: {
      title: req.t("results.chartTitle"),
      x: req.t("results.chartX"),
      y: req.t("results.chartY"),
      prizes: { first: req.t("prize.first"), second: req.t("prize.second"), third: req.t("prize.third") },
      empty: req.t("results.chartEmpty"),
    },
  });
}

/** Everything the organizer's review page shows. */
async function reviewView(ctx: AppContext, req: Request, contest: Contest) {
  const user = req.user!;
  const published = await results.publishedResults(ctx, user, contest.id, req.locale);
  const matrix = await results.scoreMatrix(ctx, user, contest.id);
  const unranked = await results.unrankedEntries(ctx, user, contest.id);
  const openObjections = isPublic(contest)
    ? (await objections.listObjections(ctx, user, contest.id)).filter((o) => o.status === "open").length
    : 0;

  const sheets: StatSheet[] = matrix.rows.flatMap((row) =>
    row.totals.flatMap((total, j) =>
      total === null ? [] : [{ entryId: row.entryId, judgeId: matrix.judgeIds[j], total }],
    ),
  );
  const stats = judgeStatistics(sheets);
  const judgeName = new Map(matrix.judgeIds.map((jid, j) => [jid, matrix.judges[j]]));
  const entryOf = new Map(matrix.rows.map((r) => [r.entryId, r]));
  const outlierKeys = new Set(stats.outliers.map((o) => `${o.entryId}|${o.judgeId}`));

  const next = nextStage(contest.stage);
  const flags = may(contest);
  return {
    title: req.t("results.reviewTitle"),
    contest,
    may: flags,
    preview: flags.previewResults,
    published: isPublic(contest),
    computedAt: published.computedAt,
    rows: published.results.map((r) => rowView(req, r)),
    unranked: unranked.map((u) => ({ ...u, why: req.t(`unranked.${u.reason}`) })),
    rules: rulesText(req, published.rules),
    counts: countsText(req, published.rules),
    chart: chartSvg(req, published.results),
    judges: matrix.judges,
    matrixRows: matrix.rows.slice(0, MATRIX_ROWS).map((r) => ({
      code: r.code,
      title: r.title,
      cells: r.totals.map((t, j) => ({ value: t, outlier: outlierKeys.has(`${r.entryId}|${matrix.judgeIds[j]}`) })),
    })),
    matrixTruncated: matrix.rows.length > MATRIX_ROWS ? { shown: MATRIX_ROWS, total: matrix.rows.length } : null,
    judgeStats: stats.judges.map((j) => ({
      judgeId: j.judgeId,
      name: judgeName.get(j.judgeId) ?? j.judgeId,
      sheets: j.sheets,
      mean: twoDecimals(j.mean),
      sd: twoDecimals(j.sd),
      correlation: j.correlation === null ? "—" : j.correlation.toFixed(2),
      offset: j.offset === null ? "—" : signedTwoDecimals(j.offset),
      compared: j.compared,
      bias: j.bias,
    })),
    outliers: stats.outliers.map((o) => ({
      code: entryOf.get(o.entryId)?.code ?? o.entryId,
      judge: judgeName.get(o.judgeId) ?? o.judgeId,
      total: o.total,
      othersMean: twoDecimals(o.othersMean),
      deviations: signedTwoDecimals(o.deviations),
    })),
    statRules: {
      bias: req.t("results.ruleBias", {
        sd: stats.withinEntrySd === null ? "—" : twoDecimals(stats.withinEntrySd),
        min: BIAS_MIN_ENTRIES,
      }),
      outlier: req.t("results.ruleOutlier", { k: OUTLIER_DEVIATIONS, min: OUTLIER_MIN_OTHERS }),
    },
    votes: await votesView(ctx, req, contest),
    talkTimes: await talkTimesView(ctx, req, contest),
    prizeForm: flags.computeResults
      ? {
          mode: contest.prizes.mode,
          first: contest.prizes.first,
          second: contest.prizes.second,
          third: contest.prizes.third,
        }
      : null,
    nextStage: next,
    publishes: next !== null && onEntering(next, "forward").freezesNotice,
    noticeDays: contest.rules.noticeDays,
    openObjections,
  };
}

/** The public vote panel (网络投票) of the review page, where the contest gives the vote a weight. */
async function votesView(ctx: AppContext, req: Request, contest: Contest, typed?: string) {
  const weight = contest.rules.publicVoteWeight;
  if (!(weight > 0)) return null;
  return {
    help: req.t("votes.help", { weight: percent(weight) }),
    text: typed ?? codeLinesText((await publicVotes(ctx, req.user!, contest.id)).votes),
  };
}

/** The talk times panel of the review page, for contests with time rules (the explainer contest). */
async function talkTimesView(ctx: AppContext, req: Request, contest: Contest, typed?: string) {
  const rules = contest.rules.timeRules;
  if (!rules) return null;
  const recorded = Object.fromEntries(
    Object.entries(await talkTimes(ctx, contest)).map(([code, seconds]) => [code, minutesSeconds(seconds)]),
  );
  return {
    help: req.t("talkTimes.help", { target: formatDuration(rules.targetSeconds, req.locale) }),
    text: typed ?? codeLinesText(recorded),
  };
}

/** The prize form → the PATCH body's `prizes`; extra awards are kept as they are. */
function prizesFromForm(fields: Record<string, unknown>, contest: Contest): unknown {
  const num = (name: string) => {
    const v = text(fields, name) ?? "";
    return v !== "" && Number.isFinite(Number(v)) ? Number(v) : v;
  };
  const prizes: Record<string, unknown> = {
    mode: text(fields, "prizeMode") ?? "",
    first: num("prizeFirst"),
    second: num("prizeSecond"),
    third: num("prizeThird"),
  };
  if (contest.prizes.extras) prizes.extras = contest.prizes.extras;
  return prizes;
}

/** Results for the public page: in notice and final the published snapshot (for everyone alike); before, the organizer's preview. */
async function publicResults(ctx: AppContext, req: Request, contest: Contest): Promise<PublishedResults> {
  if (isPublic(contest)) return results.publishedResults(ctx, null, contest.id, req.locale);
  if (req.user?.role !== "organizer") throw new StageError("errors.resultsNotPublic", { stage: contest.stage });
  const preview = await results.publishedResults(ctx, req.user, contest.id, req.locale);
  // The preview has no names (they are published with the snapshot): the organizer sees them from the entries.
  const entries = new Map((await listEntries(ctx, req.user, contest.id)).map((e) => [e.id, e]));
  return {
    ...preview,
    results: preview.results.map((r) =>
      r.prize
        ? {
            ...r,
            authors: (entries.get(r.entryId)?.authors ?? []).map((a) => a.name),
            unit: entries.get(r.entryId)?.unit ?? "",
          }
        : r,
    ),
  };
}

function latestSnapshotCommand(snapshots: PublishedResults["snapshots"]): string {
  const latest = snapshots.at(-1);
  return latest
    ? `npm run verify -- snapshot-${latest.number}.json --sha256 ${latest.sha256}`
    : "npm run verify -- snapshot-1.json";
}

function objectionView(req: Request, o: ObjectionJson) {
  return {
    ...o,
    statusLabel: req.t(`objectionStatus.${o.status}`),
    evidenceUrl: o.evidence ? `/objections/${o.id}/evidence` : null,
  };
}

/** Everything the public results page shows; `typed` refills the objection form after a refusal. */
async function publicView(
  ctx: AppContext,
  req: Request,
  contest: Contest,
  typed: { entryId?: string; text?: string } = {},
) {
  const published = await publicResults(ctx, req, contest);
  const rows = published.results.map((r) => rowView(req, r));
  const now = ctx.clock.now().getTime();
  const flags = may(contest);
  const windowOpen = flags.handleObjections && contest.noticeEndsAt !== null && now < Date.parse(contest.noticeEndsAt);
  const user = req.user;
  const mine =
    user && user.role !== "organizer" && isPublic(contest)
      ? await objections.listObjections(ctx, user, contest.id)
      : [];
  const organizer = user?.role === "organizer";
  return {
    title: `${contest.title} · ${req.t("results.publicHeading")}`,
    contest,
    preview: !isPublic(contest),
    organizer,
    notice: {
      open: windowOpen,
      ended: flags.handleObjections && !windowOpen,
      final: flags.showFinalResults,
      endsAt: contest.noticeEndsAt ? formatShanghai(contest.noticeEndsAt, req.locale) : "",
    },
    winners: PRIZE_LEVELS.map((level) => ({
      level,
      label: req.t(`prize.${level}`),
      rows: rows.filter((r) => r.prize === level),
    })).filter((g) => g.rows.length > 0),
    rows,
    rules: rulesText(req, published.rules),
    snapshots: published.snapshots.map((s) => ({
      ...s,
      kindLabel: req.t(`snapshotKind.${s.kind}`),
      createdAtText: formatShanghai(s.createdAt, req.locale),
      url: `/api/v1/contests/${contest.id}/results/snapshots/${s.number}`,
    })),
    // The verifier's command for the latest snapshot, as saved by its download link (scripts/verify.ts).
    verifyCommand: latestSnapshotCommand(published.snapshots),
    objectionForm:
      windowOpen && user && !organizer
        ? {
            name: user.name,
            entries: rows.map((r) => ({
              id: r.entryId,
              label: `${r.code} ${r.title}`,
              selected: r.entryId === typed.entryId,
            })),
            text: typed.text ?? "",
          }
        : null,
    askToLogIn: windowOpen && !user,
    loginHref: `/login?next=${encodeURIComponent(`/contests/${contest.id}/results`)}`,
    objectionsClosed: isPublic(contest) && !windowOpen,
    myObjections: mine.map((o) => objectionView(req, o)),
    exportsPublic: isPublic(contest),
  };
}

/** Exports: the published snapshot in notice and final; before, the organizer's computation. Organizers' XLSX adds the score matrix. */
async function sendExport(ctx: AppContext, req: Request, res: Response, format: "csv" | "xlsx"): Promise<void> {
  const contest = await getContest(ctx, req.user, routeParam(req));
  const published = isPublic(contest)
    ? await results.publishedResults(ctx, null, contest.id, req.locale)
    : await results.publishedResults(ctx, req.user, contest.id, req.locale);
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
    let rows: { code: string; title: string; score: string | null; rank: number | null; prize: string; n: number }[] =
      [];
    const published = isPublic(contest) ? await results.publishedResults(ctx, user, contest.id, req.locale) : null;
    if (published) {
      const byEntry = new Map(published.results.map((r) => [r.entryId, r]));
      rows = own.map((e) => {
        const r = byEntry.get(e.id);
        return {
          code: e.code,
          title: e.title,
          score: r ? twoDecimals(r.score) : null,
          rank: r?.rank ?? null,
          prize: r?.prize ? req.t(`prize.${r.prize}`) : "",
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
    const list = (await objections.listObjections(ctx, req.user!, contest.id)).map((o) => ({
      ...objectionView(req, o),
      createdAtText: formatShanghai(o.createdAt, req.locale),
      resolvedAtText: formatShanghai(o.resolvedAt, req.locale),
    }));
    const snapshots = (await results.publishedResults(ctx, req.user, contest.id, req.locale)).snapshots;
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
      });
      await objections.resolveObjection(ctx, req.user!, routeParam(req), body);
      return req.t(body.disqualify ? "results.resolvedRepublished" : "results.resolved");
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
