import { findUsersByIds, type SessionUser } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import { groupBy } from "../lib/collections.js";
import { getEntry } from "../entries/entries.service.js";
import { allows } from "../contests/lifecycle.js";
import { ForbiddenError } from "../lib/errors.js";
import * as q from "./judging.queries.js";
import { panelOf } from "./pools.service.js";
import type { RoundSettings } from "./round-settings.js";

export interface Progress {
  round: { id: string; number: number; name: string; status: string };
  judges: {
    judgeId: string;
    name: string;
    assigned: number;
    submitted: number;
    drafts: number;
    missing: number;
    declared: boolean;
  }[];
  /**
   * `needed` (= `required`): the judges the entry should have (judgesPerEntry, or the whole panel in a final
   * round); `sheets` (= `submitted`): its submitted sheets. `short` (DESIGN §3 "Short panels"): while judges
   * score, it has fewer judges assigned than required; once scores are frozen, fewer sheets; `shortBy` how many.
   */
  entries: {
    entryId: string;
    code: string;
    title: string;
    assigned: number;
    needed: number;
    submitted: number;
    sheets: number;
    required: number;
    short: boolean;
    shortBy: number;
  }[];
  late: string[];
  totals: { assigned: number; submitted: number; drafts: number };
}

/** Per judge and per entry completion of the current round (GET /contests/:id/progress). */
export async function progress(ctx: AppContext, user: SessionUser, contestId: string): Promise<Progress> {
  const panel = await panelOf(ctx, user, contestId);
  const { round } = panel.settings;
  const assignments = await q.assignmentsOfRound(ctx.db, round.id);
  const judgeIds = [...new Set([...panel.judges.map((j) => j.id), ...assignments.map((a) => a.judgeId)])];
  const users = new Map((await findUsersByIds(ctx, judgeIds)).map((u) => [u.id, u]));
  const declared = await q.declaredJudgeIds(ctx.db, panel.contest.id);
  const byJudge = groupBy(assignments, (a) => a.judgeId);
  const byEntry = groupBy(assignments, (a) => a.entryId);
  const judges = judgeIds.map((judgeId) => {
    const mine = byJudge.get(judgeId) ?? [];
    const submitted = mine.filter((a) => a.status === "submitted").length;
    const drafts = mine.filter((a) => a.status === "draft").length;
    return {
      judgeId,
      name: users.get(judgeId)?.name ?? "",
      assigned: mine.length,
      submitted,
      drafts,
      missing: mine.length - submitted,
      declared: declared.has(judgeId),
    };
  });
  // A final round's whole panel scores every finalist; a declared conflict may leave an entry short.
  const needed = panel.settings.judgesPerEntry ?? panel.judges.length;
  const scoring = allows(panel.contest.stage, "scoreEntries");
  const entries = panel.entries.map((e) => {
    const theirs = byEntry.get(e.id) ?? [];
    const submitted = theirs.filter((a) => a.status === "submitted").length;
    // Before the first assignment every entry would be short: nothing to flag yet.
    const shortBy = assignments.length === 0 ? 0 : Math.max(0, needed - (scoring ? theirs.length : submitted));
    return {
      entryId: e.id,
      code: e.code,
      title: e.title,
      assigned: theirs.length,
      needed,
      submitted,
      sheets: submitted,
      required: needed,
      short: shortBy > 0,
      shortBy,
    };
  });
  return {
    round: { id: round.id, number: round.number, name: round.name, status: round.status },
    judges,
    entries,
    late: judges.filter((j) => j.missing > 0).map((j) => j.judgeId),
    totals: {
      assigned: assignments.length,
      submitted: assignments.filter((a) => a.status === "submitted").length,
      drafts: assignments.filter((a) => a.status === "draft").length,
    },
  };
}

/** The sheets each entry of a round needs: judgesPerEntry, or the whole panel of a final round (DESIGN §3 "Short panels"). */
export async function sheetsRequired(ctx: AppContext, settings: RoundSettings): Promise<number> {
  return settings.judgesPerEntry ?? (await q.poolOf(ctx.db, settings.round.id)).length;
}

/** Every change to an entry's sheets, for the organizer; an entry that does not exist is a 404, not an empty history. */
export async function scoreHistory(ctx: AppContext, user: SessionUser, entryId: string) {
  if (user.role !== "organizer") throw new ForbiddenError();
  await getEntry(ctx, user, entryId);
  return q.scoreHistoryOfEntry(ctx.db, entryId);
}
