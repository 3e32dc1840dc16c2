/**
 * Talk-time deduction of the explainer contest (科普讲解大赛, DESIGN §3): target 4:00, under 3:00
 * costs 2 points, over 4:00 plus 15 s of grace costs 2 points, the timekeeper stops the talk at 4:30.
 * Recorded once per talk and applied to the final score after aggregation.
 */
import { Type, type Static } from "@sinclair/typebox";
import { add, fromNumber, roundFraction } from "./decimal.js";

/** A contest's talk-time rules (stored in its rules; the schema is the type). */
export const timeRulesSchema = Type.Object(
  {
    /** A talk shorter than this loses `underPenalty` points. */
    minSeconds: Type.Integer({ minimum: 0, maximum: 3600 }),
    underPenalty: Type.Number({ minimum: 0, maximum: 100 }),
    /** The announced talk length. */
    targetSeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
    /** A talk longer than targetSeconds + graceSeconds loses `overPenalty` points. */
    graceSeconds: Type.Integer({ minimum: 0, maximum: 600 }),
    overPenalty: Type.Number({ minimum: 0, maximum: 100 }),
    /**
     * When the moderator stops the talk. Informational here: the deduction depends on the measured
     * time only; nothing said after it is scored (the default 4:30, DESIGN §3).
     */
    cutoffSeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
  },
  { additionalProperties: false },
);
export type TimeRules = Static<typeof timeRulesSchema>;

export const DEFAULT_TIME_RULES: Readonly<TimeRules> = Object.freeze({
  minSeconds: 180,
  underPenalty: 2,
  targetSeconds: 240,
  graceSeconds: 15,
  overPenalty: 2,
  cutoffSeconds: 270,
});

export interface TimeDeduction {
  /** Points to ADD to the score: 0, −underPenalty or −overPenalty. */
  points: number;
  reason: "under" | "over" | null;
}

function checkRules(rules: TimeRules): void {
  for (const [name, value] of Object.entries(rules)) {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`time rule ${name} must be a number ≥ 0, got ${String(value)}`);
    }
  }
  if (rules.minSeconds > rules.targetSeconds) {
    throw new RangeError("time rules: minSeconds must not exceed targetSeconds");
  }
}

/**
 * The deduction for a talk measured at `seconds`. Exactly at a limit costs nothing; a penalty set
 * to 0 is no deduction (reason null).
 */
export function timeDeduction(seconds: number, rules: TimeRules = DEFAULT_TIME_RULES): TimeDeduction {
  checkRules(rules);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`talk time must be a number of seconds ≥ 0, got ${seconds}`);
  }
  if (seconds < rules.minSeconds && rules.underPenalty > 0) {
    return { points: -rules.underPenalty, reason: "under" };
  }
  if (seconds > rules.targetSeconds + rules.graceSeconds && rules.overPenalty > 0) {
    return { points: -rules.overPenalty, reason: "over" };
  }
  return { points: 0, reason: null };
}

/** A final score after the talk-time deduction, rounded half up to 2 decimals exactly. */
export function applyTimeDeduction(
  score: number,
  seconds: number,
  rules: TimeRules = DEFAULT_TIME_RULES,
): { score: number; deduction: TimeDeduction } {
  const deduction = timeDeduction(seconds, rules);
  return { score: roundFraction(add(fromNumber(score), fromNumber(deduction.points)), 2), deduction };
}
