/** What the organizer's review shows beside the results: every judge's totals, and the entries not ranked and why. */
import type { SessionUser } from "../accounts/accounts.service.js";
import { findUsersByIds } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import { getContest } from "../contests/contests.service.js";
import { contestEntries } from "../entries/entries.service.js";
import {
  currentRound,
  roundEntries,
  settingsOf,
  submittedSheets,
  type RoundSettings,
} from "../judging/judging.service.js";
import { ForbiddenError } from "../lib/errors.js";
import { readLiveInputs } from "./live-inputs.service.js";

const criterionKeys = (settings: RoundSettings): string[] => settings.rubric.criteria.map((c) => c.key);

/**
 * Every judge's total per entry of the current round, for organizers' exports and the review page.
 * A live final has a column per judge and segment (judgeId "judge|segment", named "name · segment").
 */
export async function scoreMatrix(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
): Promise<{
  judges: string[];
  judgeIds: string[];
  rows: { entryId: string; code: string; title: string; totals: (number | null)[] }[];
}> {
  const contest = await getContest(ctx, user, contestId);
  const round = await currentRound(ctx, ctx.db, contest);
  const live = await readLiveInputs(ctx, round.id);
  const sheets = live
    ? live.sheets.map((s) => ({ ...s, judgeId: `${s.judgeId}|${s.segment}` }))
    : await submittedSheets(ctx, round.id, criterionKeys(settingsOf(contest, round)));
  const entries = await roundEntries(ctx, contest, round);
  const segmentOrder = new Map((live?.segments ?? []).map((s, i) => [s.key, { i, label: s.label }]));
  const columnOf = (id: string) => {
    const [judgeId, segment = ""] = id.split("|");
    return { judgeId, segment: segmentOrder.get(segment) };
  };
  const judgeIds = [...new Set(sheets.map((s) => s.judgeId))].sort((a, b) => {
    const x = columnOf(a);
    const y = columnOf(b);
    if (x.judgeId !== y.judgeId) return x.judgeId < y.judgeId ? -1 : 1;
    return (x.segment?.i ?? 0) - (y.segment?.i ?? 0);
  });
  const names = new Map(
    (await findUsersByIds(ctx, [...new Set(judgeIds.map((id) => columnOf(id).judgeId))])).map((u) => [u.id, u.name]),
  );
  const totals = new Map(sheets.map((s) => [`${s.entryId}|${s.judgeId}`, s.total]));
  return {
    judges: judgeIds.map((id) => {
      const { judgeId, segment } = columnOf(id);
      const name = names.get(judgeId) ?? judgeId;
      return segment ? `${name} · ${segment.label}` : name;
    }),
    judgeIds,
    rows: entries.map((e) => ({
      entryId: e.id,
      code: e.code,
      title: e.title,
      totals: judgeIds.map((j) => totals.get(`${e.id}|${j}`) ?? null),
    })),
  };
}

/** Why an entry of the contest is not among the ranked results. */
export type UnrankedReason =
  "withdrawn" | "disqualified" | "notRecommended" | "notInRound" | "safetyFailed" | "noSheets";

/**
 * Every entry of the contest that the current round does not rank, with the reason, as the entries
 * stand now (for the organizer's results review).
 */
export async function unrankedEntries(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
): Promise<{ entryId: string; code: string; title: string; reason: UnrankedReason; detail: string | null }[]> {
  const contest = await getContest(ctx, user, contestId);
  if (user.role !== "organizer") throw new ForbiddenError();
  const round = await currentRound(ctx, ctx.db, contest);
  const inRound = new Set((await roundEntries(ctx, contest, round)).map((e) => e.id));
  const live = await readLiveInputs(ctx, round.id);
  const scored = new Set(
    (live ? live.sheets : await submittedSheets(ctx, round.id, criterionKeys(settingsOf(contest, round)))).map(
      (s) => s.entryId,
    ),
  );
  const out: Awaited<ReturnType<typeof unrankedEntries>> = [];
  for (const e of await contestEntries(ctx, contest.id)) {
    let reason: UnrankedReason | null = null;
    // A finalist withdrawn on site (the live final) is withdrawn from the round's results.
    if (e.status === "withdrawn" || live?.withdrawn.has(e.id)) reason = "withdrawn";
    else if (e.status === "disqualified") reason = "disqualified";
    else if (!inRound.has(e.id))
      reason =
        round.number === 1 && contest.rules.requiresRecommendation && !e.recommendedAt
          ? "notRecommended"
          : "notInRound";
    else if (contest.rules.safetyGate && e.safetyFailed) reason = "safetyFailed";
    else if (!scored.has(e.id)) reason = "noSheets";
    if (reason)
      out.push({
        entryId: e.id,
        code: e.code,
        title: e.title,
        reason,
        detail: reason === "disqualified" ? e.statusReason : reason === "notInRound" ? round.name : null,
      });
  }
  return out;
}
