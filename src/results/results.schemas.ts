import { compile } from "../lib/validate.js";
import { AGGREGATIONS, type Aggregation } from "../contests/contests.schemas.js";
import { rubricSchema, type Rubric } from "../contests/rubric.js";

export interface FinalRoundBody {
  name: string;
  top?: number;
  threshold?: number;
  rubric?: Rubric;
  aggregation?: Aggregation;
}

export const parseFinalRoundBody = compile<FinalRoundBody>({
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: {
    name: { type: "string", minLength: 1, maxLength: 60, pattern: "\\S" },
    top: { type: "integer", minimum: 1, maximum: 100000 },
    threshold: { type: "number", minimum: 0, maximum: 100000 },
    rubric: rubricSchema,
    aggregation: { type: "string", enum: [...AGGREGATIONS] },
  },
});

export interface ObjectionFields {
  entryId: string;
  text: string;
}

export const parseObjectionFields = compile<ObjectionFields>({
  type: "object",
  additionalProperties: false,
  required: ["entryId", "text"],
  properties: { entryId: { type: "string", minLength: 1, maxLength: 36 }, text: { type: "string", minLength: 5, maxLength: 5000, pattern: "\\S" } },
});

export interface ResolveBody {
  decision: "upheld" | "rejected";
  reply: string;
  disqualify?: boolean;
}

export const parseResolveBody = compile<ResolveBody>({
  type: "object",
  additionalProperties: false,
  required: ["decision", "reply"],
  properties: {
    decision: { type: "string", enum: ["upheld", "rejected"] },
    reply: { type: "string", minLength: 1, maxLength: 5000, pattern: "\\S" },
    disqualify: { type: "boolean" },
  },
});
