/** The judges' live sheets (DESIGN §3 "Live final"): scoring the current finalist, the panel's progress, corrections. */
import type { SessionUser } from "../accounts/accounts.service.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import type { Rubric } from "../contests/rubric.js";
import { hasDeclared } from "../judging/declarations.service.js";
import { checkScoreSheet } from "../judging/score-sheet.js";
import { ConflictError, ForbiddenError, NotFoundError } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import { assertOrganizer, changeLive, liveOf } from "./live.access.js";
import * as q from "./live.queries.js";
import type { LiveSheetRow } from "./live.queries.js";
import { parseLiveScoreBody, parseReopenBody } from "./live.schemas.js";
import { buildLive, hasConflict, judgeLabel, judgeNumbers, liveState, loadLive, type LiveJson } from "./live.state.js";

export interface LiveSheetJson {
  entryId: string;
  segment: string;
  scores: Record<string, number>;
  total: number | null;
  status: "draft" | "submitted";
  submittedAt: string | null;
  corrected: boolean;
  comment: string | null;
}

function sheetJson(s: LiveSheetRow): LiveSheetJson {
  return {
    entryId: s.entryId,
    segment: s.segment,
    scores: s.scores,
    total: s.total,
    status: s.status,
    submittedAt: s.submittedAt,
    corrected: s.corrections > 0,
    comment: s.comment,
  };
}

/** 评委N of every judge of the live final's panel, the one numbering every public surface uses. */
export async function panelNumbers(ctx: AppContext, roundId: string): Promise<Map<string, number>> {
  const final = await q.liveFinalOfRound(ctx.db, roundId);
  if (!final) return new Map();
  return judgeNumbers(await q.panelOf(ctx.db, final.contestId, roundId));
}

/** The calling judge on the panel, with his number; a judge not on it is refused. */
async function panelJudge(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  roundId: string,
): Promise<{ n: number; judge: q.PanelJudgeRow }> {
  const panel = await q.panelOf(ctx.db, contestId, roundId);
  const index = panel.findIndex((j) => j.judgeId === user.id);
  if (user.role !== "judge" || index < 0) throw new ForbiddenError("errors.notOnPanel", "not_on_panel");
  return { n: index + 1, judge: panel[index] };
}

/**
 * A panel judge saves (a draft, as he types) or submits his sheet of the current finalist and segment,
 * or of a sheet the organizer reopened; a submitted sheet is locked.
 */
export async function saveLiveSheet(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  body: unknown,
): Promise<LiveSheetJson> {
  const parsed = parseLiveScoreBody(body);
  const { contest, final } = await liveOf(ctx, user, contestId);
  const { judge } = await panelJudge(ctx, user, contest.id, final.roundId);
  if (!(await hasDeclared(ctx, contest.id, user.id)))
    throw new ForbiddenError("errors.declarationRequired", "declaration_required");
  const slot = (await q.slotsOf(ctx.db, final.roundId)).find((s) => s.entryId === parsed.entryId);
  if (slot && hasConflict(contest, slot, judge))
    throw new ForbiddenError("errors.liveConflict", "conflict_of_interest");
  const segment = final.segments.find((s) => s.key === parsed.segment);
  let saved: LiveSheetRow | null = null;
  await changeLive(
    ctx,
    contest,
    final,
    async (trx, locked, now) => {
      const existing = await q.sheetOf(trx, locked.roundId, parsed.entryId, parsed.segment, user.id);
      if (existing?.status === "submitted") throw new ConflictError("sheet_locked", "errors.liveSheetLocked");
      const isCurrent = locked.currentEntryId === parsed.entryId && locked.currentSegment === parsed.segment;
      const reopened = existing !== null && existing.corrections > 0;
      if (!slot || !segment || (!isCurrent && !reopened) || (locked.status === "finished" && !reopened))
        throw new ConflictError("not_current", "errors.liveNotCurrent");
      const { sheet, total } = checkScoreSheet(segment.rubric, {
        scores: parsed.scores,
        submit: parsed.submit,
        ...(parsed.comment !== undefined ? { comment: parsed.comment } : {}),
      });
      const at = now.toISOString();
      saved = {
        id: existing?.id ?? newId(),
        entryId: parsed.entryId,
        segment: parsed.segment,
        judgeId: user.id,
        status: parsed.submit ? "submitted" : "draft",
        scores: sheet.scores,
        total,
        comment: sheet.comment ?? existing?.comment ?? null,
        submittedAt: parsed.submit ? at : null,
        corrections: existing?.corrections ?? 0,
        correctionReason: existing?.correctionReason ?? null,
        createdAt: existing?.createdAt ?? at,
        updatedAt: at,
      };
      await q.saveSheet(trx, locked.roundId, saved, existing !== null);
      // A draft is not part of the state: no new version for every keystroke.
      return parsed.submit ? {} : null;
    },
    // A reopened sheet may be corrected after the last finalist too; changeLive's check of the rest is redone above.
    { messageKey: "errors.scoringClosed", finishedToo: true },
  );
  return sheetJson(saved!);
}

/** What a judge's phone shows: the state, his number, the current segment's rubric and his sheet of it, and sheets reopened for him. */
export async function judgeLiveView(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
): Promise<{
  live: LiveJson;
  judge: string;
  rubric: Rubric | null;
  sheet: LiveSheetJson | null;
  reopened: LiveSheetJson[];
  /** He stands aside (回避) for the current finalist. */
  conflict: boolean;
}> {
  const { contest, final } = await liveOf(ctx, user, contestId);
  const { n, judge } = await panelJudge(ctx, user, contest.id, final.roundId);
  const data = await loadLive(ctx.db, contest, final);
  const slot = data.slots.find((s) => s.entryId === final.currentEntryId);
  const mine = data.sheets.filter((s) => s.judgeId === user.id);
  const current = mine.find((s) => s.entryId === final.currentEntryId && s.segment === final.currentSegment);
  return {
    live: await buildLive(ctx, data, user),
    judge: judgeLabel(n),
    rubric: final.segments.find((s) => s.key === final.currentSegment)?.rubric ?? null,
    sheet: current ? sheetJson(current) : null,
    reopened: mine.filter((s) => s.status === "draft" && s.corrections > 0 && s !== current).map(sheetJson),
    conflict: slot !== undefined && hasConflict(contest, slot, judge),
  };
}

/** The organizer's view of the panel on the current finalist and segment: who has not submitted yet. */
export async function panelProgress(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
): Promise<{ judges: { judge: string; name: string; submitted: boolean; corrected: boolean; conflict: boolean }[] }> {
  assertOrganizer(user);
  const { contest, final } = await liveOf(ctx, user, contestId);
  const [panel, sheets, slots] = await Promise.all([
    q.panelOf(ctx.db, contest.id, final.roundId),
    q.sheetsOf(ctx.db, final.roundId),
    q.slotsOf(ctx.db, final.roundId),
  ]);
  const slot = slots.find((s) => s.entryId === final.currentEntryId);
  const current = new Map(
    sheets
      .filter((s) => s.entryId === final.currentEntryId && s.segment === final.currentSegment)
      .map((s) => [s.judgeId, s]),
  );
  return {
    judges: panel.map((j, i) => ({
      judge: judgeLabel(i + 1),
      name: j.name,
      submitted: current.get(j.judgeId)?.status === "submitted",
      corrected: (current.get(j.judgeId)?.corrections ?? 0) > 0,
      conflict: slot !== undefined && hasConflict(contest, slot, j),
    })),
  };
}

/** The organizer reopens one judge's submitted sheet with a reason (更正, audited); the judge may then score it again. */
export async function reopenLiveSheet(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  body: unknown,
): Promise<LiveJson> {
  assertOrganizer(user);
  const parsed = parseReopenBody(body);
  const reason = parsed.reason.trim();
  const { contest, final } = await liveOf(ctx, user, contestId);
  const panel = await q.panelOf(ctx.db, contest.id, final.roundId);
  const label = /^评委(\d+)$/.exec(parsed.judge);
  const index = label ? Number(label[1]) - 1 : panel.findIndex((j) => j.judgeId === parsed.judge);
  const judge = panel[index];
  if (!judge) throw new NotFoundError("errors.liveJudgeNotOnPanel");
  await changeLive(
    ctx,
    contest,
    final,
    async (trx, locked, now) => {
      const sheet = await q.sheetOf(trx, locked.roundId, parsed.entryId, parsed.segment, judge.judgeId);
      if (sheet?.status !== "submitted") throw new ConflictError("sheet_not_submitted", "errors.liveSheetNotSubmitted");
      const at = now.toISOString();
      await q.saveSheet(
        trx,
        locked.roundId,
        {
          ...sheet,
          status: "draft",
          submittedAt: null,
          corrections: sheet.corrections + 1,
          correctionReason: reason,
          updatedAt: at,
        },
        true,
      );
      await recordAudit(trx, ctx.clock, {
        actorId: user.id,
        action: "live.reopen",
        targetType: "entry",
        targetId: parsed.entryId,
        details: { segment: parsed.segment, judge: judgeLabel(index + 1), reason },
      });
      return {};
    },
    { finishedToo: true },
  );
  return liveState(ctx, contest.id, user);
}
