/**
 * The results of a round run live (DESIGN §3 "Live final"): its submitted per-segment sheets, the
 * segments' measured times and the finalists withdrawn on site, read instead of the assignments.
 */
import type { AppContext } from "../context.js";
import { panelNumbers } from "../live/live.service.js";
import type { ComputeEntry } from "./compute.js";
import * as q from "./live-inputs.queries.js";
import { segmentTimeRules, type SegmentRule, type SegmentSheet } from "./segments.js";
import type { TimeRules } from "./time-rules.js";

export type { StoredSegment } from "./live-inputs.queries.js";

export interface LiveInputs {
  /** The segments as defined at the start, with their rubrics. */
  definitions: q.StoredSegment[];
  segments: SegmentRule[];
  sheets: SegmentSheet[];
  /** Per finalist, each segment's measured time. */
  seconds: Map<string, Record<string, number>>;
  withdrawn: Set<string>;
  /** The panel size: a segment with fewer submitted sheets is a short panel. */
  panel: number;
}

/** The segments as the rules in force print them. */
export interface SegmentInForce {
  key: string;
  label: string;
  weight: number;
  criteria: { key: string; label: string; max: number }[];
  seconds: number | null;
  timeRules: TimeRules | null;
}

const timeRulesOf = (s: q.StoredSegment): TimeRules | null => (s.seconds ? segmentTimeRules(s.seconds) : null);

/** A round's live inputs, or null when the round is not run live. */
export async function readLiveInputs(ctx: AppContext, roundId: string): Promise<LiveInputs | null> {
  const definitions = await liveSegmentsOf(ctx, roundId);
  if (!definitions) return null;
  const seconds = new Map<string, Record<string, number>>();
  for (const t of await q.liveSeconds(ctx.db, roundId)) {
    const times = seconds.get(t.entryId) ?? {};
    times[t.segment] = t.seconds;
    seconds.set(t.entryId, times);
  }
  const known = new Set(definitions.map((s) => s.key));
  return {
    definitions,
    segments: definitions.map((s) => ({
      key: s.key,
      label: s.label,
      weight: s.weight,
      criteria: s.rubric.criteria.map((c) => ({ key: c.key, label: c.label })),
      timeRules: timeRulesOf(s),
    })),
    sheets: (await q.submittedLiveSheets(ctx.db, roundId)).filter((s) => known.has(s.segment)),
    seconds,
    withdrawn: new Set(await q.withdrawnFinalists(ctx.db, roundId)),
    panel: (await panelNumbers(ctx, roundId)).size,
  };
}

/** The finalists that may be ranked (withdrawn ones are not), each with its segments' times. */
export function liveEntries<E extends ComputeEntry>(entries: readonly E[], live: LiveInputs): E[] {
  return entries
    .filter((e) => !live.withdrawn.has(e.id))
    .map((e) => ({ ...e, segmentSeconds: live.seconds.get(e.id) ?? {} }));
}

export function segmentsInForce(live: LiveInputs): SegmentInForce[] {
  return live.definitions.map((s) => ({
    key: s.key,
    label: s.label,
    weight: s.weight,
    criteria: s.rubric.criteria.map((c) => ({ key: c.key, label: c.label, max: c.max })),
    seconds: s.seconds ?? null,
    timeRules: timeRulesOf(s),
  }));
}

/** A live sheet as a snapshot publishes it: the judge as 评委N, never by name. */
export interface PublishedLiveSheet {
  judge: string;
  scores: Record<string, number>;
  deductions: Record<string, number>;
  total: number;
}

/**
 * Each finalist's submitted sheets per segment, judges numbered 评委1…n as on the big screen
 * (panelNumbers), each sheet's deductions apart from its criteria.
 */
export async function publishedLiveSheets(
  ctx: AppContext,
  roundId: string,
): Promise<Map<string, Map<string, PublishedLiveSheet[]>>> {
  const definitions = new Map(((await liveSegmentsOf(ctx, roundId)) ?? []).map((s) => [s.key, s]));
  const number = await panelNumbers(ctx, roundId);
  // A judge since removed from the panel (or disabled) gets a number after the panel's.
  const numberOf = (id: string) => {
    if (!number.has(id)) number.set(id, number.size + 1);
    return number.get(id)!;
  };
  const out = new Map<string, Map<string, PublishedLiveSheet[]>>();
  const sheets = (await q.submittedLiveSheets(ctx.db, roundId)).map((s) => ({ s, n: numberOf(s.judgeId) }));
  for (const { s, n } of sheets.sort((a, b) => a.n - b.n)) {
    const segment = definitions.get(s.segment);
    if (!segment) continue;
    const deductionKeys = new Set((segment.rubric.deductions ?? []).map((d) => d.key));
    const part = (deduction: boolean) =>
      Object.fromEntries(Object.entries(s.scores).filter(([key]) => deductionKeys.has(key) === deduction));
    const bySegment = out.get(s.entryId) ?? new Map<string, PublishedLiveSheet[]>();
    out.set(s.entryId, bySegment);
    const list = bySegment.get(s.segment) ?? [];
    bySegment.set(s.segment, list);
    list.push({ judge: `评委${n}`, scores: part(false), deductions: part(true), total: s.total });
  }
  return out;
}

/** The round's live final's segments as defined, or null when the round is not run live. */
export async function liveSegmentsOf(ctx: AppContext, roundId: string): Promise<q.StoredSegment[] | null> {
  return q.liveSegmentsOf(ctx.db, roundId);
}
