import { Type, type Static } from "@sinclair/typebox";
import { AGGREGATIONS } from "../contests/contests.schemas.js";
import { rubricSchema } from "../contests/rubric.js";
import { LangParam, StringEnum } from "../lib/schema.js";
import { compile } from "../lib/validate.js";

export const FinalRoundBodySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 60, pattern: "\\S" }),
    top: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
    threshold: Type.Optional(Type.Number({ minimum: 0, maximum: 100000 })),
    rubric: Type.Optional(rubricSchema),
    aggregation: Type.Optional(StringEnum(AGGREGATIONS)),
    /** Absent: the whole panel scores every finalist. */
    judgesPerEntry: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  },
  { additionalProperties: false },
);
export type FinalRoundBody = Static<typeof FinalRoundBodySchema>;
export const parseFinalRoundBody = compile(FinalRoundBodySchema);

const Count = Type.String({ pattern: "^[1-9][0-9]{0,5}$" });

/** GET …/rounds/preview?top=3 or ?threshold=75.5 (exactly one, checked with the body's rule). */
export const PreviewQuerySchema = Type.Object(
  {
    top: Type.Optional(Count),
    threshold: Type.Optional(Type.String({ pattern: "^[0-9]{1,6}(\\.[0-9]{1,2})?$" })),
    lang: LangParam,
  },
  { additionalProperties: false },
);
export const parsePreviewQuery = compile(PreviewQuerySchema);

/** GET …/results?round=1: a given round's results (organizers). */
export const ResultsQuerySchema = Type.Object(
  { round: Type.Optional(Count), lang: LangParam },
  { additionalProperties: false },
);
export const parseResultsQuery = compile(ResultsQuerySchema);

/** A round's number in a path (/rounds/:number/…). */
export const RoundNumberSchema = Count;
export const parseRoundNumber = compile(RoundNumberSchema);

export const ObjectionFieldsSchema = Type.Object(
  {
    entryId: Type.String({ minLength: 1, maxLength: 36 }),
    text: Type.String({ minLength: 5, maxLength: 5000, pattern: "\\S" }),
  },
  { additionalProperties: false },
);
export type ObjectionFields = Static<typeof ObjectionFieldsSchema>;
export const parseObjectionFields = compile(ObjectionFieldsSchema);

export const ResolveBodySchema = Type.Object(
  {
    decision: StringEnum(["upheld", "rejected"]),
    reply: Type.String({ minLength: 1, maxLength: 5000, pattern: "\\S" }),
    disqualify: Type.Optional(Type.Boolean()),
    /** Upheld with re-scoring (重新评分): a fresh judge scores the entry during the notice (DESIGN §3). */
    rescoreJudgeId: Type.Optional(Type.String({ minLength: 1, maxLength: 36 })),
  },
  { additionalProperties: false },
);
export type ResolveBody = Static<typeof ResolveBodySchema>;
export const parseResolveBody = compile(ResolveBodySchema);

const reasonSchema = Type.String({ minLength: 1, maxLength: 500, pattern: "\\S" });

/** PUT /contests/:id/awards/:key: the entries given a named award, with the reason for choosing them. */
export const ChooseAwardBodySchema = Type.Object(
  {
    entryIds: Type.Array(Type.String({ minLength: 1, maxLength: 36 }), { maxItems: 10000 }),
    reason: reasonSchema,
  },
  { additionalProperties: false },
);
export const parseChooseAwardBody = compile(ChooseAwardBodySchema);

/** The review page's form for one named award: an entry and its own reason per place. */
export const AwardChoicesFormSchema = Type.Object(
  {
    choices: Type.Array(
      Type.Object(
        { entryId: Type.String({ minLength: 1, maxLength: 36 }), reason: reasonSchema },
        {
          additionalProperties: false,
        },
      ),
      { maxItems: 10000 },
    ),
  },
  { additionalProperties: false },
);
export const parseAwardChoicesForm = compile(AwardChoicesFormSchema);

/** POST /contests/:id/short-panels: the organizer accepts a short panel with a written reason (DESIGN §3). */
export const AcceptShortPanelBodySchema = Type.Object(
  {
    entryId: Type.String({ minLength: 1, maxLength: 36 }),
    reason: Type.String({ minLength: 2, maxLength: 500, pattern: "\\S" }),
  },
  { additionalProperties: false },
);
export type AcceptShortPanelBody = Static<typeof AcceptShortPanelBodySchema>;
export const parseAcceptShortPanelBody = compile(AcceptShortPanelBodySchema);
