import { Type, type Static } from "@sinclair/typebox";
import { LangParam, StringEnum } from "../lib/schema.js";
import { compile } from "../lib/validate.js";
import { STAGES } from "./lifecycle.js";
import { prizesSchema } from "./prizes.js";
import { CONTEST_KINDS, rubricSchema } from "./rubric.js";
import { rulesSchema } from "./rules.js";

export const AGGREGATIONS = ["trimmed", "mean", "zscore"] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

const instant = Type.String({ format: "date-time", maxLength: 40 });
const title = Type.String({ minLength: 1, maxLength: 200, pattern: "\\S" });
const description = Type.String({ maxLength: 5000 });
const judgesPerEntry = Type.Integer({ minimum: 1, maximum: 50 });
const aggregation = StringEnum(AGGREGATIONS);

export const CreateContestBodySchema = Type.Object(
  {
    kind: StringEnum(CONTEST_KINDS),
    title,
    description: Type.Optional(description),
    opensAt: instant,
    closesAt: instant,
    judgesPerEntry: Type.Optional(judgesPerEntry),
    rubric: Type.Optional(rubricSchema),
    aggregation: Type.Optional(aggregation),
    prizes: Type.Optional(prizesSchema),
    rules: Type.Optional(rulesSchema),
  },
  { additionalProperties: false },
);
export type CreateContestBody = Static<typeof CreateContestBodySchema>;
export const parseCreateContestBody = compile(CreateContestBodySchema);

export const UpdateContestBodySchema = Type.Object(
  {
    title: Type.Optional(title),
    description: Type.Optional(description),
    opensAt: Type.Optional(instant),
    closesAt: Type.Optional(instant),
    noticeEndsAt: Type.Optional(instant),
    judgesPerEntry: Type.Optional(judgesPerEntry),
    rubric: Type.Optional(rubricSchema),
    aggregation: Type.Optional(aggregation),
    prizes: Type.Optional(prizesSchema),
    rules: Type.Optional(rulesSchema),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateContestBody = Static<typeof UpdateContestBodySchema>;
export const parseUpdateContestBody = compile(UpdateContestBodySchema);

export const StageBodySchema = Type.Object({ to: StringEnum(STAGES) }, { additionalProperties: false });
export type StageBody = Static<typeof StageBodySchema>;
export const parseStageBody = compile(StageBodySchema);

/** GET /contests?stage=…: unknown parameters are refused like unknown body fields. */
export const ContestListQuerySchema = Type.Object(
  { stage: Type.Optional(StringEnum(STAGES)), lang: LangParam },
  { additionalProperties: false },
);
export type ContestListQuery = Static<typeof ContestListQuerySchema>;
export const parseContestListQuery = compile(ContestListQuerySchema);
