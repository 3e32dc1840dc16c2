import { Type, type Static } from "@sinclair/typebox";
import { compile } from "../lib/validate.js";

/** `cities`: the submitted packages to include; without it, every city with activities must have submitted. */
export const CreateEvaluationBodySchema = Type.Object(
  {
    cities: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 20 }), { minItems: 1, maxItems: 50, uniqueItems: true }),
    ),
  },
  { additionalProperties: false },
);
export type CreateEvaluationBody = Static<typeof CreateEvaluationBodySchema>;
export const parseCreateEvaluationBody = compile(CreateEvaluationBodySchema);
