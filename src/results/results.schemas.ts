import { Type, type Static } from "@sinclair/typebox";
import { AGGREGATIONS } from "../contests/contests.schemas.js";
import { rubricSchema } from "../contests/rubric.js";
import { StringEnum } from "../lib/schema.js";
import { compile } from "../lib/validate.js";

export const FinalRoundBodySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 60, pattern: "\\S" }),
    top: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
    threshold: Type.Optional(Type.Number({ minimum: 0, maximum: 100000 })),
    rubric: Type.Optional(rubricSchema),
    aggregation: Type.Optional(StringEnum(AGGREGATIONS)),
  },
  { additionalProperties: false },
);
export type FinalRoundBody = Static<typeof FinalRoundBodySchema>;
export const parseFinalRoundBody = compile(FinalRoundBodySchema);

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
