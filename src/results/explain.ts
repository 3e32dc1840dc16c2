import { formatDuration, translate, type Locale } from "../lib/i18n.js";
import type { MessageParams } from "../lib/errors.js";
import { applyPublicVote } from "./votes.js";
import type { ResultRow } from "./compute.js";

const fmt = (n: number) => String(n);
/** A share as a percentage without float noise: 0.2 → "20", 0.125 → "12.5". */
export const percent = (weight: number) => String(Number((weight * 100).toFixed(6)));

/**
 * A ranked entry's score in plain words, e.g. "5 位评委：去掉最高分 93、最低分 81，其余平均 87.33",
 * with the public vote, the talk-time deduction and the tie-break where they applied.
 */
export function explainResult(row: ResultRow, locale: Locale): string {
  const d = row.detail;
  const t = (key: string, params: MessageParams = {}) => translate(locale, key, params);
  const parts: string[] = [];
  if (d.segments) {
    parts.push(...explainSegments(row, locale));
  } else if (d.method === "trimmed" && d.dropped) {
    parts.push(
      t("explain.trimmed", {
        judges: row.judges,
        highest: fmt(d.dropped.highest.total),
        lowest: fmt(d.dropped.lowest.total),
        mean: d.aggregate.toFixed(2),
      }),
    );
  } else if (d.method === "zscore") {
    parts.push(t("explain.zscore", { judges: row.judges, mean: d.aggregate.toFixed(2) }));
  } else {
    parts.push(t("explain.mean", { judges: row.judges, mean: d.aggregate.toFixed(2) }));
  }
  if (d.publicVote) {
    const v = d.publicVote;
    const blended = applyPublicVote(d.aggregate, v.votes, v.maxVotes, v.weight);
    parts.push(
      t("explain.publicVote", {
        votes: v.votes,
        max: v.maxVotes,
        points: v.points.toFixed(2),
        weight: percent(v.weight),
        judgesWeight: percent(1 - v.weight),
        aggregate: d.aggregate.toFixed(2),
        score: blended.toFixed(2),
      }),
    );
  }
  if (d.timeDeduction && d.timeDeduction.points !== 0) {
    parts.push(
      t(d.timeDeduction.reason === "under" ? "explain.timeUnder" : "explain.timeOver", {
        time: formatDuration(d.timeDeduction.seconds, locale),
        points: Math.abs(d.timeDeduction.points),
        score: row.score.toFixed(2),
      }),
    );
  } else if (d.timeDeduction) {
    parts.push(t("explain.timeOk", { time: formatDuration(d.timeDeduction.seconds, locale) }));
  }
  if (d.tieBrokenBy) parts.push(t("explain.tieBroken", { criterion: d.tieBrokenBy.label }));
  else if (d.tiedWith.length > 0) parts.push(t("explain.tied", { codes: d.tiedWith }));
  return parts.join(locale === "en" ? "; " : "；");
}

/** A segmented score (the live final): each segment's score × weight, its time deduction, the total. */
function explainSegments(row: ResultRow, locale: Locale): string[] {
  const t = (key: string, params: MessageParams = {}) => translate(locale, key, params);
  const parts = row.detail.segments!.map((s) => {
    const params = { label: s.label, score: (s.score ?? 0).toFixed(2), weight: percent(s.weight) };
    const part = s.dropped
      ? t("explain.segmentTrimmed", {
          ...params,
          highest: fmt(s.dropped.highest.total),
          lowest: fmt(s.dropped.lowest.total),
        })
      : t("explain.segment", params);
    const d = s.timeDeduction;
    return d && d.points !== 0 && s.seconds !== null
      ? `${part} ${t("explain.segmentTime", { time: formatDuration(s.seconds, locale), points: Math.abs(d.points) })}`
      : part;
  });
  return [...parts, t("explain.segmentsTotal", { score: row.score.toFixed(2) })];
}
