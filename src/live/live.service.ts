/**
 * The live final (DESIGN §3 "Live final"): start (the draw by lot), the state, advancing through the
 * running order (no-shows, withdrawals), the timer. Judges' sheets, the panel and corrections are in
 * live.sheets.service.ts.
 */
import { randomInt } from "node:crypto";
import type { Knex } from "knex";
import type { SessionUser } from "../accounts/accounts.service.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import type { Contest } from "../contests/contests.service.js";
import { getContest } from "../contests/contests.service.js";
import { assertMay } from "../contests/lifecycle.js";
import type { Rubric } from "../contests/rubric.js";
import { setSafety } from "../entries/entries.service.js";
import { currentRound, rankableRoundEntries } from "../judging/rounds.service.js";
import { settingsOf } from "../judging/round-settings.js";
import { ConflictError, NotFoundError } from "../lib/errors.js";
import { assertOrganizer, changeLive, liveOf, type LiveChange } from "./live.access.js";
import { notifyLiveChange } from "./live.bus.js";
import * as q from "./live.queries.js";
import type { LiveFinalRow, SlotRow, TimingRow } from "./live.queries.js";
import { assertValidSegments, cutoffOf, drawOrder, isRunning, stopAt, topicIndex } from "./live.rules.js";
import { parseAdvanceBody, parseSafetyBody, parseStartBody, parseTimerBody, type Segment } from "./live.schemas.js";
import { liveState, type LiveJson } from "./live.state.js";

export { judgeLiveView, panelNumbers, panelProgress, reopenLiveSheet, saveLiveSheet } from "./live.sheets.service.js";
export type { LiveSheetJson } from "./live.sheets.service.js";
export { liveState } from "./live.state.js";
export type { LiveJson } from "./live.state.js";
export type { Segment } from "./live.schemas.js";

/** The key of the segment whose topic is drawn from the bank when it begins (随机命题). */
export const RANDOM_TOPIC = "randomTopic";

/**
 * The segments offered when the organizer gives none. Explainer: 自主命题 4 min, 随机命题 2 min, 科技常识测试,
 * 评委问答, as provincial explainer finals run them; experiment show: one 实验展演 of 6 minutes.
 */
export function defaultSegments(contest: Pick<Contest, "kind" | "rubric">): Segment[] {
  const rubric = (): Rubric => structuredClone(contest.rubric);
  if (contest.kind === "explainer")
    return [
      { key: "selfTopic", label: "自主命题", weight: 0.5, rubric: rubric(), seconds: 240 },
      { key: RANDOM_TOPIC, label: "随机命题", weight: 0.3, rubric: rubric(), seconds: 120 },
      {
        key: "quiz",
        label: "科技常识测试",
        weight: 0.1,
        rubric: { criteria: [{ key: "correct", label: "答题得分", max: 100, step: 1 }] },
      },
      {
        key: "qa",
        label: "评委问答",
        weight: 0.1,
        rubric: { criteria: [{ key: "answer", label: "回答质量", max: 100, step: 1 }] },
      },
    ];
  return [{ key: "show", label: "实验展演", weight: 1, rubric: rubric(), seconds: 360 }];
}

/** Starts the live final of the contest's current round: the order is drawn by lot from the seed (audited). */
export async function startLive(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  body: unknown,
): Promise<LiveJson> {
  assertOrganizer(user);
  const parsed = parseStartBody(body);
  const contest = await getContest(ctx, user, contestId);
  assertMay(contest, "runLiveFinal");
  if (parsed.segments) assertValidSegments(parsed.segments);
  const round = await currentRound(ctx, ctx.db, contest);
  const segments =
    parsed.segments ?? defaultSegments({ kind: contest.kind, rubric: settingsOf(contest, round).rubric });
  if (await q.liveFinalOfRound(ctx.db, round.id)) throw new ConflictError("live_exists", "errors.liveExists");
  const finalists = await rankableRoundEntries(ctx, contest, round);
  if (finalists.length === 0) throw new ConflictError("no_finalists", "errors.liveNoFinalists");
  const seed = parsed.seed !== undefined ? String(parsed.seed) : String(randomInt(2 ** 32));
  const order = drawOrder(finalists, seed);
  const now = ctx.clock.now().toISOString();
  const final: LiveFinalRow = {
    roundId: round.id,
    contestId: contest.id,
    status: "running",
    segments,
    seed,
    currentEntryId: order[0].id,
    currentSegment: segments[0].key,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await ctx.db
    .transaction(async (trx) => {
      await q.insertLiveFinal(trx, final);
      await q.insertSlots(
        trx,
        round.id,
        order.map((e, i) => ({ entryId: e.id, position: i + 1, status: i === 0 ? "current" : "waiting" })),
      );
      await enterSegment(trx, final, order[0].id, segments[0].key);
      await recordAudit(trx, ctx.clock, {
        actorId: user.id,
        action: "live.start",
        targetType: "contest",
        targetId: contest.id,
        details: { seed, order: order.map((e) => e.code), segments: segments.map((s) => s.key) },
      });
    })
    .catch(async (err: unknown) => {
      // Another start of the same round won the race.
      if (await q.liveFinalOfRound(ctx.db, round.id)) throw new ConflictError("live_exists", "errors.liveExists");
      throw err;
    });
  notifyLiveChange(ctx, contest.id);
  return liveState(ctx, contest.id, user);
}

/** When a random-topic segment begins, the finalist draws an undrawn topic of the contest's bank (seeded). */
async function enterSegment(trx: Knex, final: LiveFinalRow, entryId: string, segmentKey: string): Promise<void> {
  if (segmentKey !== RANDOM_TOPIC || (await q.drawnTopic(trx, final.roundId, entryId)) !== null) return;
  const topics = await q.undrawnTopics(trx, final.contestId);
  if (topics.length === 0) return;
  await q.markTopicDrawn(trx, topics[topicIndex(final.seed, entryId, topics.length)].id, final.roundId, entryId);
}

/** Where the final goes after the current finalist: the first waiting finalist's first segment, else finished. */
async function nextFinalist(trx: Knex, final: LiveFinalRow, slots: SlotRow[]): Promise<LiveChange> {
  const next = slots.filter((s) => s.status === "waiting").sort((a, b) => a.position - b.position)[0];
  if (!next) return { status: "finished", currentEntryId: null, currentSegment: null };
  await q.updateSlot(trx, final.roundId, next.entryId, { status: "current" });
  await enterSegment(trx, final, next.entryId, final.segments[0].key);
  return { currentEntryId: next.entryId, currentSegment: final.segments[0].key };
}

/** The current segment of a final that has a current finalist, and its timing if the timer was started. */
async function currentTiming(trx: Knex, final: LiveFinalRow): Promise<{ segment: Segment; timing?: TimingRow }> {
  const segment = final.segments.find((s) => s.key === final.currentSegment)!;
  const timing = (await q.timingsOf(trx, final.roundId)).find(
    (t) => t.entryId === final.currentEntryId && t.segment === segment.key,
  );
  return { segment, timing };
}

function stopTimer(trx: Knex, final: LiveFinalRow, timing: TimingRow, segment: Segment, now: Date): Promise<void> {
  return q.saveTiming(trx, final.roundId, { ...timing, ...stopAt(timing, segment, now) }, true);
}

/** A talk past its cutoff that nobody stopped is recorded as stopped there before the final moves on. */
async function settleTimer(trx: Knex, final: LiveFinalRow, now: Date): Promise<void> {
  if (!final.currentEntryId || !final.currentSegment) return;
  const { segment, timing } = await currentTiming(trx, final);
  if (!timing || timing.stoppedAt !== null) return;
  if (isRunning(timing, segment, now)) throw new ConflictError("timer_running", "errors.liveTimerRunning");
  await stopTimer(trx, final, timing, segment, now);
}

/** A no-show or a withdrawal, in the audit log by the finalist's code. */
function auditSlot(
  trx: Knex,
  ctx: AppContext,
  user: SessionUser,
  action: "live.withdraw" | "live.noShow",
  slot: SlotRow,
): Promise<void> {
  return recordAudit(trx, ctx.clock, {
    actorId: user.id,
    action,
    targetType: "entry",
    targetId: slot.entryId,
    details: { code: slot.code },
  });
}

/**
 * `{to: "next"}`: the next segment, else the next finalist, else finished. `{entryId}`: a no-show (not
 * timed or scored yet) moves to the end of the order. `{entryId, withdraw: true}`: a withdrawal (not ranked).
 */
export async function advanceLive(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  body: unknown,
): Promise<LiveJson> {
  assertOrganizer(user);
  const parsed = parseAdvanceBody(body);
  const { contest, final } = await liveOf(ctx, user, contestId);
  await changeLive(ctx, contest, final, async (trx, locked, now) => {
    const slots = await q.slotsOf(trx, locked.roundId);
    if ("to" in parsed) {
      await settleTimer(trx, locked, now);
      const at = locked.segments.findIndex((s) => s.key === locked.currentSegment);
      if (at + 1 < locked.segments.length) {
        const segment = locked.segments[at + 1].key;
        await enterSegment(trx, locked, locked.currentEntryId!, segment);
        return { currentSegment: segment };
      }
      await q.updateSlot(trx, locked.roundId, locked.currentEntryId!, { status: "done" });
      return nextFinalist(trx, locked, slots);
    }
    const slot = slots.find((s) => s.entryId === parsed.entryId);
    if (!slot) throw new NotFoundError("errors.liveNotFinalist");
    const wasCurrent = slot.entryId === locked.currentEntryId;
    if (parsed.withdraw) {
      if (slot.status === "withdrawn") throw new ConflictError("already_withdrawn", "errors.liveAlreadyWithdrawn");
      if (wasCurrent) await settleTimer(trx, locked, now);
      await q.updateSlot(trx, locked.roundId, slot.entryId, { status: "withdrawn" });
      await auditSlot(trx, ctx, user, "live.withdraw", slot);
      return wasCurrent
        ? nextFinalist(
            trx,
            locked,
            slots.filter((s) => s.entryId !== slot.entryId),
          )
        : {};
    }
    if ((slot.status !== "waiting" && !wasCurrent) || (await q.hasStarted(trx, locked.roundId, slot.entryId)))
      throw new ConflictError("not_a_no_show", "errors.liveNotNoShow");
    const last = Math.max(...slots.map((s) => s.position));
    await q.updateSlot(trx, locked.roundId, slot.entryId, { status: "waiting", position: last + 1, noShow: true });
    await auditSlot(trx, ctx, user, "live.noShow", slot);
    if (!wasCurrent) return {};
    const rest = slots.map((s) =>
      s.entryId === slot.entryId ? { ...s, position: last + 1, status: "waiting" as const } : s,
    );
    return nextFinalist(trx, locked, rest);
  });
  return liveState(ctx, contest.id, user);
}

/** Start and stop the current segment's timer, or record a corrected time (audited). */
export async function liveTimer(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  body: unknown,
): Promise<LiveJson> {
  assertOrganizer(user);
  const parsed = parseTimerBody(body);
  const { contest, final } = await liveOf(ctx, user, contestId);
  await changeLive(ctx, contest, final, async (trx, locked, now) => {
    const entryId = locked.currentEntryId!;
    const { segment, timing } = await currentTiming(trx, locked);
    const outOfOrder = () => new ConflictError("timer_out_of_order", "errors.liveTimerOutOfOrder");
    switch (parsed.action) {
      case "start":
        if (timing) throw outOfOrder();
        await q.saveTiming(
          trx,
          locked.roundId,
          { entryId, segment: segment.key, startedAt: now.toISOString(), stoppedAt: null, seconds: null },
          false,
        );
        break;
      case "stop":
        if (!timing || timing.stoppedAt !== null) throw outOfOrder();
        await stopTimer(trx, locked, timing, segment, now);
        break;
      case "set": {
        if (isRunning(timing ?? null, segment, now))
          throw new ConflictError("timer_running", "errors.liveTimerRunning");
        // Nothing after the cutoff is scored, a corrected time included.
        const cutoff = cutoffOf(segment);
        const seconds = cutoff === null ? parsed.seconds : Math.min(parsed.seconds, cutoff);
        const at = now.toISOString();
        await q.saveTiming(
          trx,
          locked.roundId,
          {
            entryId,
            segment: segment.key,
            startedAt: timing?.startedAt ?? at,
            stoppedAt: timing?.stoppedAt ?? at,
            seconds,
          },
          timing !== undefined,
        );
        await recordAudit(trx, ctx.clock, {
          actorId: user.id,
          action: "live.time",
          targetType: "entry",
          targetId: entryId,
          details: { segment: segment.key, before: timing?.seconds ?? null, seconds },
        });
        break;
      }
    }
    return {};
  });
  return liveState(ctx, contest.id, user);
}

/** The running live finals a judge sits on the panel of: his queue links each to the phone page. */
export async function liveFinalsOfJudge(
  ctx: AppContext,
  user: SessionUser,
): Promise<{ contestId: string; title: string }[]> {
  return user.role === "judge" ? q.runningFinalsOfJudge(ctx.db, user.id) : [];
}

/**
 * The experiment show's safety gate checked on site: the entries' own safety check (audited there;
 * an unsafe entry is not ranked), then a new version so every screen drops or restores the finalist.
 */
export async function liveSafety(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  body: unknown,
): Promise<LiveJson> {
  const { entryId, safe } = parseSafetyBody(body);
  assertOrganizer(user);
  const { contest, final } = await liveOf(ctx, user, contestId);
  assertMay(contest, "runLiveFinal");
  if (!(await q.slotsOf(ctx.db, final.roundId)).some((s) => s.entryId === entryId))
    throw new NotFoundError("errors.liveNotFinalist");
  await setSafety(ctx, user, entryId, safe);
  await changeLive(ctx, contest, final, () => Promise.resolve({}), { finishedToo: true });
  return liveState(ctx, contest.id, user);
}
