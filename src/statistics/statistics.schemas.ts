import { Type, type Static } from "@sinclair/typebox";
import { LangParam } from "../lib/schema.js";
import { compile } from "../lib/validate.js";

/** GET /api/v1/statistics: one contest, or the whole week without `contest`. */
export const StatisticsQuerySchema = Type.Object(
  { contest: Type.Optional(Type.String({ minLength: 1, maxLength: 36 })), lang: LangParam },
  { additionalProperties: false },
);
export type StatisticsQuery = Static<typeof StatisticsQuerySchema>;
export const parseStatisticsQuery = compile(StatisticsQuerySchema);
