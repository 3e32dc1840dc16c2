import type { Request } from "express";
import type { Contest } from "../contests/contests.service.js";
import { may } from "../contests/lifecycle.js";
import { roundLabel } from "../judging/round-names.js";
import { formatDuration } from "../lib/i18n.js";
import { percent } from "./explain.js";
import { awardRulesText } from "./results.awards-page.js";
import type { ResultJson, RulesInForce } from "./results.service.js";

/** Scores, means and deviations as shown: two decimals, as the results list prints them. */
export const twoDecimals = (n: number) => n.toFixed(2);
export const signedTwoDecimals = (n: number) => (n > 0 ? `+${twoDecimals(n)}` : twoDecimals(n));

export const isPublic = (contest: Contest) => may(contest).viewPublicResults;

/** The public results page's name, wherever it is titled or linked: 最终结果 once final, 成绩公示 before. */
export const publicPageTitleKey = (contest: Pick<Contest, "stage">) =>
  may(contest).showFinalResults ? "results.finalTitle" : "results.publicTitle";

/**
 * The rules in force, in the reader's words, one sentence a line (DESIGN §3: printed on every results page).
 * Without `prizes` for a round whose entries advance to another rather than win prizes.
 */
export function rulesText(req: Request, rules: RulesInForce, { prizes = true } = {}): string[] {
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
    ...awardRulesText(req, rules.prizes),
  ];
  if (!prizes) lines.splice(-2, 2);
  if (rules.publicVoteWeight) {
    lines.push(
      req.t("results.rulePublicVote", {
        weight: percent(rules.publicVoteWeight),
        judgesWeight: percent(1 - rules.publicVoteWeight),
      }),
    );
  }
  const d = (s: number) => formatDuration(s, req.locale);
  // A live final is scored by segment: each limited segment has its own time rules.
  if (rules.segments)
    lines.push(
      req.t("results.ruleSegments", {
        segments: rules.segments
          .map((s) =>
            s.seconds
              ? req.t("results.ruleSegmentTimed", { label: s.label, weight: percent(s.weight), time: d(s.seconds) })
              : req.t("results.ruleSegment", { label: s.label, weight: percent(s.weight) }),
          )
          .join(req.locale === "en" ? ", " : "、"),
      }),
    );
  const time = rules.segments ? null : rules.timeRules;
  if (time) {
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
  // Short panels accepted before publishing, each with the organizer's reason (DESIGN §3).
  for (const p of rules.shortPanels ?? [])
    lines.push(req.t("shortPanels.rule", { code: p.code, sheets: p.sheets, required: p.required, reason: p.reason }));
  lines.push(req.t("results.ruleExcluded"));
  return lines;
}

export function countsText(req: Request, rules: RulesInForce): string {
  const per = rules.prizeCounts.perLevel;
  return req.t("results.countsInForce", {
    ranked: rules.rankedEntries,
    first: per.first,
    second: per.second,
    third: per.third,
  });
}

export interface ResultRowView extends ResultJson {
  scoreText: string;
  prizeLabel: string;
  authorsText: string;
  /** The extra awards' names, with a chosen award's reason in brackets. */
  awardsText: string[];
}

/** A prize's name: a report contest's list is the 优秀组织单位 commendation list (DESIGN §3 "Evaluation"). */
export function prizeLabel(req: Request, contest: Pick<Contest, "kind">, prize: string): string {
  return req.t(contest.kind === "report" ? `prize.report.${prize}` : `prize.${prize}`);
}

export function rowView(req: Request, contest: Pick<Contest, "kind">, r: ResultJson): ResultRowView {
  return {
    ...r,
    scoreText: twoDecimals(r.score),
    prizeLabel: r.prize ? prizeLabel(req, contest, r.prize) : "",
    authorsText: (r.authors ?? []).join(req.locale === "en" ? ", " : "、"),
    awardsText: r.awards.map((a) =>
      a.reason ? req.t("awards.withReason", { label: a.label, reason: a.reason }) : a.label,
    ),
  };
}
