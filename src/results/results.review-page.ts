import type { Request } from "express";
import type { AppContext } from "../context.js";
import type { Contest } from "../contests/contests.service.js";
import { may, nextStage, onEntering } from "../contests/lifecycle.js";
import { codeLinesText, minutesSeconds } from "../entries/code-lines.js";
import { text } from "../http/forms.js";
import { formatDuration } from "../lib/i18n.js";
import { awardChoices } from "./awards.service.js";
import { prizeCuts, scoreHistogram } from "./chart.js";
import { percent } from "./explain.js";
import { publicVotes, talkTimes } from "./inputs.service.js";
import {
  BIAS_MIN_ENTRIES,
  judgeStatistics,
  OUTLIER_DEVIATIONS,
  OUTLIER_MIN_OTHERS,
  type StatSheet,
} from "./judge-stats.js";
import * as objections from "./objections.service.js";
import { awardsView } from "./results.awards-page.js";
import { countsText, isPublic, rowView, rulesText, signedTwoDecimals, twoDecimals } from "./results.page-text.js";
import * as publication from "./published.service.js";
import * as results from "./results.service.js";
import type { ResultJson } from "./results.service.js";

/** Rows of the score matrix rendered in the page; the XLSX export has them all. */
const MATRIX_ROWS = 300;

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

/** The short panels of the review page (DESIGN §3): each short entry, accepted or awaiting a decision. */
function shortPanelsView(req: Request, rows: readonly ResultJson[], typed?: { entryId?: unknown; reason?: unknown }) {
  const short = rows.flatMap((r) =>
    r.short ? [{ entryId: r.entryId, code: r.code, title: r.title, ...r.short }] : [],
  );
  const waiting = short.filter((s) => s.reason === null);
  return {
    list: short.map((s) => ({
      ...s,
      line: req.t("shortPanels.line", { code: s.code, sheets: s.sheets, required: s.required }),
      typed: typed?.entryId === s.entryId,
      typedReason: typed?.entryId === s.entryId && typeof typed.reason === "string" ? typed.reason : "",
    })),
    waiting: waiting.length,
    blocking: waiting.map((s) => `${s.code}（${s.sheets}/${s.required}）`).join("、"),
  };
}

/** Everything the organizer's review page shows; `shortTyped`: a refused acceptance form as typed. */
export async function reviewView(
  ctx: AppContext,
  req: Request,
  contest: Contest,
  shortTyped?: { entryId?: unknown; reason?: unknown },
) {
  const user = req.user!;
  const published = await publication.publishedResults(ctx, user, contest.id, req.locale);
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
  const rows = published.results.map((r) => rowView(req, contest, r));
  return {
    title: req.t("results.reviewTitle"),
    contest,
    may: flags,
    preview: flags.previewResults,
    published: isPublic(contest),
    computedAt: published.computedAt,
    rows,
    hasAwards: (published.rules.prizes.extras ?? []).length > 0,
    awards: awardsView(req, contest, rows, await awardChoices(ctx, contest.id)),
    shortPanels: shortPanelsView(req, published.results, shortTyped),
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
export async function votesView(ctx: AppContext, req: Request, contest: Contest, typed?: string) {
  const weight = contest.rules.publicVoteWeight;
  if (!(weight > 0)) return null;
  return {
    help: req.t("votes.help", { weight: percent(weight) }),
    text: typed ?? codeLinesText((await publicVotes(ctx, req.user!, contest.id)).votes),
  };
}

/** The talk times panel of the review page, for contests with time rules (the explainer contest). */
export async function talkTimesView(ctx: AppContext, req: Request, contest: Contest, typed?: string) {
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
export function prizesFromForm(fields: Record<string, unknown>, contest: Contest): unknown {
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
