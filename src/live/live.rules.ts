/**
 * The live final's rules that need no database (DESIGN §3 "Live final"): segment checks, the draw by
 * lot, the time limits of a segment and what its timer shows. Pure: no I/O, no clock, seeded randomness.
 */
import { assertValidRubric } from "../contests/rubric.js";
import { mulberry32, seedToUint32, shuffledIndices } from "../judging/assign/prng.js";
import { AppError, ValidationError } from "../lib/errors.js";
import { segmentTimeRules } from "../results/segments.js";
import { timeDeduction, type TimeDeduction } from "../results/time-rules.js";
import type { Segment } from "./live.schemas.js";

/** A limited segment's time rules live with the results' formula; the screens read them from here too. */
export { segmentTimeRules };

/** Weights are compared in millionths, so 0.5 + 0.3 + 0.1 + 0.1 is exactly 1. */
function millionths(weight: number): number {
  return Math.round(weight * 1_000_000);
}

/** What the schema cannot check: unique keys, weights summing to exactly 1, each rubric valid as a contest's is. */
export function assertValidSegments(segments: readonly Segment[]): void {
  const fields: { field: string; messageKey: string; params?: Record<string, string | number> }[] = [];
  const seen = new Set<string>();
  segments.forEach((s, i) => {
    if (seen.has(s.key))
      fields.push({ field: `segments.${i}.key`, messageKey: "errors.liveSegmentDuplicateKey", params: { key: s.key } });
    seen.add(s.key);
    try {
      assertValidRubric(s.rubric);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const inner = (
        err.details as { fields: { field: string; messageKey: string; params?: Record<string, string | number> }[] }
      ).fields;
      fields.push(...inner.map((f) => ({ ...f, field: `segments.${i}.${f.field}` })));
    }
  });
  const total = segments.reduce((sum, s) => sum + millionths(s.weight), 0);
  if (total !== 1_000_000)
    fields.push({ field: "segments", messageKey: "errors.liveWeightsSum", params: { sum: total / 1_000_000 } });
  if (fields.length > 0)
    throw new ValidationError(fields[0].messageKey, fields[0].params ?? {}, { fields }, "invalid_segments");
}

/** The running order drawn by lot: finalists sorted by code, shuffled by the seed; the same seed gives the same order. */
export function drawOrder<T extends { code: string }>(finalists: readonly T[], seed: string): T[] {
  const sorted = [...finalists].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return Array.from(shuffledIndices(sorted.length, mulberry32(seedToUint32(seed))), (i) => sorted[i]);
}

/** Which of `count` undrawn topics a finalist draws for his random-topic segment (随机命题). */
export function topicIndex(seed: string, entryId: string, count: number): number {
  return Math.floor(mulberry32(seedToUint32(`${seed}:${entryId}`))() * count);
}

export interface Timing {
  startedAt: string;
  stoppedAt: string | null;
  seconds: number | null;
}

export interface TimerView {
  startedAt: string | null;
  stoppedAt: string | null;
  /** Measured seconds: so far while running, as recorded once stopped. */
  seconds: number | null;
  running: boolean;
  limit: number | null;
  cutoff: number | null;
  deduction: TimeDeduction | null;
}

export function cutoffOf(segment: Pick<Segment, "seconds">): number | null {
  return segment.seconds === undefined ? null : segmentTimeRules(segment.seconds).cutoffSeconds;
}

/**
 * A stop at `now`: the measured whole seconds, and when it stopped. The talk is stopped at the cutoff,
 * so a stop after it (or none at all) records the cutoff.
 */
export function stopAt(timing: Pick<Timing, "startedAt">, segment: Pick<Segment, "seconds">, now: Date): Timing {
  const started = Date.parse(timing.startedAt);
  const elapsed = Math.max(0, Math.floor((now.getTime() - started) / 1000));
  const cutoff = cutoffOf(segment);
  if (cutoff !== null && elapsed >= cutoff)
    return { startedAt: timing.startedAt, stoppedAt: new Date(started + cutoff * 1000).toISOString(), seconds: cutoff };
  return { startedAt: timing.startedAt, stoppedAt: now.toISOString(), seconds: elapsed };
}

/** Whether the timer still runs at `now`: started, not stopped, and not past the cutoff. */
export function isRunning(timing: Timing | null, segment: Pick<Segment, "seconds">, now: Date): boolean {
  if (!timing || timing.stoppedAt !== null) return false;
  const cutoff = cutoffOf(segment);
  return cutoff === null || now.getTime() - Date.parse(timing.startedAt) < cutoff * 1000;
}

/** What the timer shows at `now`; past the cutoff it shows the talk stopped there, even before anyone stops it. */
export function timerView(timing: Timing | null, segment: Pick<Segment, "seconds">, now: Date): TimerView {
  const limit = segment.seconds ?? null;
  const cutoff = cutoffOf(segment);
  const rules = limit === null ? null : segmentTimeRules(limit);
  if (!timing)
    return { startedAt: null, stoppedAt: null, seconds: null, running: false, limit, cutoff, deduction: null };
  const running = isRunning(timing, segment, now);
  const shown = timing.stoppedAt !== null ? timing : stopAt(timing, segment, now);
  const seconds = shown.seconds ?? 0;
  let deduction: TimeDeduction | null = null;
  if (rules) {
    const applies = timeDeduction(seconds, rules);
    // While the talk runs only the over-time deduction is certain; the under-time one is known at the stop.
    if (applies.reason !== null && (!running || applies.reason === "over")) deduction = applies;
  }
  return {
    startedAt: timing.startedAt,
    stoppedAt: running ? null : shown.stoppedAt,
    seconds,
    running,
    limit,
    cutoff,
    deduction,
  };
}
