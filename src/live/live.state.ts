/** The live final's state (spec "The state"): what the big screen, the console, the phones and the SSE stream show. */
import type { Knex } from "knex";
import type { SessionUser } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import type { Contest } from "../contests/contests.service.js";
import type { Rubric } from "../contests/rubric.js";
import { conflictOf } from "../judging/conflicts.js";
import { currentRound } from "../judging/rounds.service.js";
import { settingsOf } from "../judging/round-settings.js";
import { computeResults } from "../results/compute.js";
import type { Prize } from "../results/prizes.js";
import { segmentAggregate, segmentTimeRules } from "../results/segments.js";
import { liveOf } from "./live.access.js";
import * as q from "./live.queries.js";
import type { LiveFinalRow, LiveSheetRow, SlotRow, TimingRow } from "./live.queries.js";
import { timerView, type TimerView } from "./live.rules.js";

export interface LiveSegmentJson {
  key: string;
  label: string;
  weight: number;
  seconds: number | null;
  /** Only for a signed-in judge or organizer. */
  rubric?: Rubric;
}

export interface LiveFinalistJson {
  entryId: string;
  code: string;
  title: string;
  /** The entry's first author, on stage; never shown to judges. */
  performer?: string;
}

export interface LiveJson {
  contestId: string;
  roundId: string;
  status: q.LiveStatus;
  version: number;
  segments: LiveSegmentJson[];
  order: (LiveFinalistJson & { position: number; status: q.SlotStatus; noShows: number; safetyFailed: boolean })[];
  current:
    null | (LiveFinalistJson & { segment: string; segmentLabel: string; topic: string | null; timer: TimerView });
  sheets: { judge: string; total: number; dropped: "high" | "low" | null; corrected: boolean }[];
  panel: { judges: number; submitted: number };
  segmentScore: number | null;
  score: number | null;
  ranking: (LiveFinalistJson & {
    score: number;
    rank: number;
    prize: Prize;
    segments: Record<string, number | null>;
  })[];
}

/** Everything the state is built from, read in one go. */
export interface LiveData {
  contest: Contest;
  final: LiveFinalRow;
  slots: SlotRow[];
  timings: TimingRow[];
  sheets: LiveSheetRow[];
  panel: q.PanelJudgeRow[];
  topic: string | null;
}

export async function loadLive(db: Knex, contest: Contest, final: LiveFinalRow): Promise<LiveData> {
  const [slots, timings, sheets, panel, topic] = await Promise.all([
    q.slotsOf(db, final.roundId),
    q.timingsOf(db, final.roundId),
    q.sheetsOf(db, final.roundId),
    q.panelOf(db, contest.id, final.roundId),
    final.currentEntryId ? q.drawnTopic(db, final.roundId, final.currentEntryId) : Promise.resolve(null),
  ]);
  return { contest, final, slots, timings, sheets, panel, topic };
}

/** 评委N of each panel judge: the panel's order (live.queries.ts panelOf). */
export function judgeNumbers(panel: readonly q.PanelJudgeRow[]): Map<string, number> {
  return new Map(panel.map((j, i) => [j.judgeId, i + 1]));
}

export function judgeLabel(n: number): string {
  return `评委${n}`;
}

/** Whether a panel judge stands aside (回避) for a finalist: the rules of assignment (judging/conflicts.ts). */
export function hasConflict(contest: Contest, slot: SlotRow, judge: q.PanelJudgeRow): boolean {
  const entry = { id: slot.entryId, ownerId: slot.ownerId, unit: slot.unit, city: slot.city, authors: slot.authors };
  const declared = new Set(judge.declared.map((entryId) => `${judge.judgeId}|${entryId}`));
  const person = {
    id: judge.judgeId,
    name: judge.name,
    unit: judge.unit,
    city: judge.city,
    avoidUnits: judge.avoidUnits,
  };
  return conflictOf(entry, person, { sameCityConflict: contest.rules.sameCityConflict, declared }) !== null;
}

/** The state anyone may read (the big screen); a judge or organizer also gets the segments' rubrics. */
export async function liveState(
  ctx: AppContext,
  contestId: string,
  viewer: SessionUser | null = null,
): Promise<LiveJson> {
  const { contest, final } = await liveOf(ctx, viewer, contestId);
  return buildLive(ctx, await loadLive(ctx.db, contest, final), viewer);
}

export async function buildLive(ctx: AppContext, data: LiveData, viewer: SessionUser | null): Promise<LiveJson> {
  const { contest, final, slots } = data;
  const round = await currentRound(ctx, ctx.db, contest);
  const aggregation = round.id === final.roundId ? settingsOf(contest, round).aggregation : contest.aggregation;
  const showRubric = viewer?.role === "judge" || viewer?.role === "organizer";
  // Judges never see who made an entry (DESIGN §4), even the performer's name.
  const finalist = (slot: SlotRow): LiveFinalistJson =>
    viewer?.role === "judge"
      ? { entryId: slot.entryId, code: slot.code, title: slot.title }
      : { entryId: slot.entryId, code: slot.code, title: slot.title, performer: slot.performer };
  const submitted = data.sheets.filter((s) => s.status === "submitted" && s.total !== null);
  const seconds = new Map<string, Record<string, number>>();
  for (const t of data.timings)
    if (t.seconds !== null) seconds.set(t.entryId, { ...seconds.get(t.entryId), [t.segment]: t.seconds });
  // The one formula of the results (DESIGN §3): the big screen shows what the published results will say.
  const { results } = computeResults({
    criteria: [],
    aggregation,
    prizes: contest.prizes,
    timeRules: null,
    entries: slots
      .filter((s) => s.rankable)
      .map((s) => ({ id: s.entryId, code: s.code, title: s.title, segmentSeconds: seconds.get(s.entryId) ?? {} })),
    sheets: [],
    segments: final.segments.map((s) => ({
      key: s.key,
      label: s.label,
      weight: s.weight,
      criteria: s.rubric.criteria.map((c) => ({ key: c.key, label: c.label })),
      timeRules: s.seconds === undefined ? null : segmentTimeRules(s.seconds),
    })),
    segmentSheets: submitted.map((s) => ({
      entryId: s.entryId,
      judgeId: s.judgeId,
      total: s.total!,
      scores: s.scores,
      segment: s.segment,
    })),
  });
  const slotOf = new Map(slots.map((s) => [s.entryId, s]));
  const numbers = judgeNumbers(data.panel);
  const currentSlot = final.currentEntryId ? slotOf.get(final.currentEntryId) : undefined;
  const segment = final.segments.find((s) => s.key === final.currentSegment);
  let current: LiveJson["current"] = null;
  let sheets: LiveJson["sheets"] = [];
  let segmentScore: number | null = null;
  let panel = data.panel;
  if (currentSlot && segment) {
    panel = data.panel.filter((j) => !hasConflict(contest, currentSlot, j));
    const timing = data.timings.find((t) => t.entryId === currentSlot.entryId && t.segment === segment.key) ?? null;
    current = {
      ...finalist(currentSlot),
      segment: segment.key,
      segmentLabel: segment.label,
      topic: data.topic,
      timer: timerView(timing, segment, ctx.clock.now()),
    };
    const mine = submitted.filter(
      (s) => s.entryId === currentSlot.entryId && s.segment === segment.key && numbers.has(s.judgeId),
    );
    // A finalist not ranked (failing the safety gate on site) still shows his segment's aggregate.
    const agg =
      results.find((r) => r.entryId === currentSlot.entryId)?.detail.segments?.find((d) => d.key === segment.key) ??
      segmentAggregate(
        mine.map((s) => ({ entryId: s.entryId, judgeId: s.judgeId, total: s.total!, scores: s.scores })),
        aggregation,
      );
    segmentScore = agg?.score ?? null;
    sheets = mine
      .sort((a, b) => numbers.get(a.judgeId)! - numbers.get(b.judgeId)!)
      .map((s) => ({
        judge: judgeLabel(numbers.get(s.judgeId)!),
        total: s.total!,
        dropped:
          agg?.dropped?.highest.judgeId === s.judgeId
            ? "high"
            : agg?.dropped?.lowest.judgeId === s.judgeId
              ? "low"
              : null,
        corrected: s.corrections > 0,
      }));
  }
  return {
    contestId: contest.id,
    roundId: final.roundId,
    status: final.status,
    version: final.version,
    segments: final.segments.map((s) => ({
      key: s.key,
      label: s.label,
      weight: s.weight,
      seconds: s.seconds ?? null,
      ...(showRubric ? { rubric: s.rubric } : {}),
    })),
    order: slots.map((s, i) => ({
      ...finalist(s),
      position: i + 1,
      status: s.status,
      noShows: s.noShows,
      safetyFailed: s.safetyFailed,
    })),
    current,
    sheets,
    // The judges who score this finalist: a judge standing aside is not waited for.
    panel: { judges: panel.length, submitted: sheets.length },
    segmentScore,
    score: results.find((r) => r.entryId === currentSlot?.entryId)?.score ?? null,
    ranking: results.map((r) => ({
      ...finalist(slotOf.get(r.entryId)!),
      score: r.score,
      rank: r.rank,
      prize: r.prize,
      segments: Object.fromEntries((r.detail.segments ?? []).map((d) => [d.key, d.score])),
    })),
  };
}
