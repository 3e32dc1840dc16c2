import { compile } from "../lib/validate.js";
import { STAGES, type Stage } from "./lifecycle.js";
import { prizesSchema, type PrizeSettings } from "./prizes.js";
import { CONTEST_KINDS, rubricSchema, type ContestKind, type Rubric } from "./rubric.js";
import { rulesSchema, type RulesInput } from "./rules.js";

export const AGGREGATIONS = ["trimmed", "mean", "zscore"] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

const instant = { type: "string", format: "date-time", maxLength: 40 } as const;
const title = { type: "string", minLength: 1, maxLength: 200, pattern: "\\S" } as const;
const description = { type: "string", maxLength: 5000 } as const;
const judgesPerEntry = { type: "integer", minimum: 1, maximum: 50 } as const;
const aggregation = { type: "string", enum: [...AGGREGATIONS] } as const;

export interface CreateContestBody {
  kind: ContestKind;
  title: string;
  description?: string;
  opensAt: string;
  closesAt: string;
  judgesPerEntry?: number;
  rubric?: Rubric;
  aggregation?: Aggregation;
  prizes?: PrizeSettings;
  rules?: RulesInput;
}

export const parseCreateContestBody = compile<CreateContestBody>({
  type: "object",
  additionalProperties: false,
  required: ["kind", "title", "opensAt", "closesAt"],
  properties: {
    kind: { type: "string", enum: [...CONTEST_KINDS] },
    title,
    description,
    opensAt: instant,
    closesAt: instant,
    judgesPerEntry,
    rubric: rubricSchema,
    aggregation,
    prizes: prizesSchema,
    rules: rulesSchema,
  },
});

export interface UpdateContestBody {
  title?: string;
  description?: string;
  opensAt?: string;
  closesAt?: string;
  noticeEndsAt?: string;
  judgesPerEntry?: number;
  rubric?: Rubric;
  aggregation?: Aggregation;
  prizes?: PrizeSettings;
  rules?: RulesInput;
}

export const parseUpdateContestBody = compile<UpdateContestBody>({
  type: "object",
  additionalProperties: false,
  minProperties: 1,
  properties: {
    title,
    description,
    opensAt: instant,
    closesAt: instant,
    noticeEndsAt: instant,
    judgesPerEntry,
    rubric: rubricSchema,
    aggregation,
    prizes: prizesSchema,
    rules: rulesSchema,
  },
});

export interface StageBody {
  to: Stage;
}

export const parseStageBody = compile<StageBody>({
  type: "object",
  additionalProperties: false,
  required: ["to"],
  properties: { to: { type: "string", enum: [...STAGES] } },
});
