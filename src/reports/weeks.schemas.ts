import { Type, type Static } from "@sinclair/typebox";
import { compile } from "../lib/validate.js";

const title = Type.String({ minLength: 1, maxLength: 200 });

/** `summaryDueAt`: an instant with its offset (2020-09-10T23:59:59+08:00), as every instant of the API. */
export const CreateWeekBodySchema = Type.Object(
  { title, summaryDueAt: Type.String({ format: "date-time", maxLength: 40 }) },
  { additionalProperties: false },
);
export type CreateWeekBody = Static<typeof CreateWeekBodySchema>;
export const parseCreateWeekBody = compile(CreateWeekBodySchema);
