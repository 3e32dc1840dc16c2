import { Type, type Static } from "@sinclair/typebox";
import { labelSchema, rubricSchema } from "../contests/rubric.js";
import { Const, OneOf, StringEnum, StringMap } from "../lib/schema.js";
import { compile } from "../lib/validate.js";

/** A live final's segment (DESIGN §3 "Live final"): its weight in the finalist's score, its rubric and an optional time limit. */
export const SegmentSchema = Type.Object(
  {
    key: Type.String({ pattern: "^[a-z][a-zA-Z0-9_-]{0,39}$" }),
    label: labelSchema,
    weight: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
    rubric: rubricSchema,
    /** The time limit; the talk is stopped at seconds + 30 (the cutoff). */
    seconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 3600 })),
  },
  { additionalProperties: false },
);
export type Segment = Static<typeof SegmentSchema>;

export const SegmentsSchema = Type.Array(SegmentSchema, { minItems: 1, maxItems: 8 });

const id = Type.String({ minLength: 1, maxLength: 36 });
const segmentKey = Type.String({ minLength: 1, maxLength: 40 });

export const StartBodySchema = Type.Object(
  {
    segments: Type.Optional(SegmentsSchema),
    /** The lot's seed: the same seed and finalists give the same order. */
    seed: Type.Optional(OneOf([Type.String({ minLength: 1, maxLength: 100 }), Type.Integer()])),
  },
  { additionalProperties: false },
);
export type StartBody = Static<typeof StartBodySchema>;
export const parseStartBody = compile(StartBodySchema);

export const AdvanceBodySchema = OneOf([
  Type.Object({ to: Const("next") }, { additionalProperties: false }),
  Type.Object({ entryId: id, withdraw: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
]);
export type AdvanceBody = Static<typeof AdvanceBodySchema>;
export const parseAdvanceBody = compile(AdvanceBodySchema);

export const TimerBodySchema = OneOf([
  Type.Object({ action: StringEnum(["start", "stop"] as const) }, { additionalProperties: false }),
  Type.Object(
    { action: Const("set"), seconds: Type.Integer({ minimum: 0, maximum: 3600 }) },
    { additionalProperties: false },
  ),
]);
export type TimerBody = Static<typeof TimerBodySchema>;
export const parseTimerBody = compile(TimerBodySchema);

/** The envelope of a live sheet; the scores themselves are checked against the segment's rubric (score-sheet.ts). */
export const LiveScoreBodySchema = Type.Object(
  {
    entryId: id,
    segment: segmentKey,
    scores: StringMap(Type.Unknown()),
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
    submit: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type LiveScoreBody = Static<typeof LiveScoreBodySchema>;
export const parseLiveScoreBody = compile(LiveScoreBodySchema);

export const ReopenBodySchema = Type.Object(
  {
    entryId: id,
    segment: segmentKey,
    /** "评委N" as shown, or the judge's user id. */
    judge: Type.String({ minLength: 1, maxLength: 36 }),
    reason: Type.String({ minLength: 2, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type ReopenBody = Static<typeof ReopenBodySchema>;
export const parseReopenBody = compile(ReopenBodySchema);

/** The safety gate checked on site (实验展演): this finalist's experiment passed or failed. */
export const SafetyBodySchema = Type.Object(
  { entryId: Type.String({ minLength: 1, maxLength: 36 }), safe: Type.Boolean() },
  { additionalProperties: false },
);
export const parseSafetyBody = compile(SafetyBodySchema);
