import type { ErrorObject } from "ajv";
import { Type, type Static, type TNumber } from "@sinclair/typebox";
import type { Rubric } from "../contests/rubric.js";
import { isMultipleOf } from "../contests/rubric.js";
import { ValidationError } from "../lib/errors.js";
import { compile, type Validator } from "../lib/validate.js";
import { readScore, roundFraction, sub, sum } from "../results/decimal.js";

/**
 * The schema of a score sheet, generated from the rubric (STYLE: the rubric generates the judges'
 * schema): only the rubric's keys, each a number within 0..max.
 */
function scoreSheetSchema(rubric: Rubric, submit: boolean) {
  const points = (max: number) => Type.Number({ minimum: 0, maximum: max });
  // A draft may be partial; a submitted sheet scores every criterion.
  const scores: Record<string, TNumber> = Object.fromEntries(
    rubric.criteria.map((c) => [c.key, submit ? points(c.max) : Type.Optional(points(c.max))]),
  );
  const deductions: Record<string, TNumber> = Object.fromEntries(
    (rubric.deductions ?? []).map((d) => [d.key, Type.Optional(points(d.max))]),
  );
  return Type.Object(
    {
      scores: Type.Object(scores, { additionalProperties: false }),
      deductions: Type.Optional(Type.Object(deductions, { additionalProperties: false })),
      comment: Type.Optional(Type.String({ maxLength: 2000 })),
      submit: Type.Boolean(),
    },
    { additionalProperties: false },
  );
}

export type ScoreSheet = Static<ReturnType<typeof scoreSheetSchema>>;

const validators = new Map<string, Validator<ScoreSheet>>();

/** The sheet's validator for this rubric, compiled once per rubric. */
function validatorFor(rubric: Rubric, submit: boolean): Validator<ScoreSheet> {
  const cacheKey = JSON.stringify([rubric, submit]);
  let validator = validators.get(cacheKey);
  if (!validator) {
    validator = compile(scoreSheetSchema(rubric, submit));
    validators.set(cacheKey, validator);
  }
  return validator;
}

/** The score form's words for the fields the schema refused: the ones score.js shows in the browser. */
function formWords(
  rubric: Rubric,
  errors: readonly ErrorObject[],
): { field: string; messageKey: string; params?: Record<string, number> }[] {
  const items = new Map<string, { max: number }>([
    ...rubric.criteria.map((c) => [`scores.${c.key}`, c] as const),
    ...(rubric.deductions ?? []).map((d) => [`deductions.${d.key}`, d] as const),
  ]);
  return errors.flatMap((e) => {
    const path = e.instancePath.replace(/^\//, "").replace(/\//g, ".");
    if (e.keyword === "required" && path === "scores")
      return [
        {
          field: `scores.${String((e.params as { missingProperty: string }).missingProperty)}`,
          messageKey: "score.msgRequired",
        },
      ];
    const item = items.get(path);
    if (!item) return [];
    if (e.keyword === "type") return [{ field: path, messageKey: "score.msgNumber" }];
    if (e.keyword === "minimum" || e.keyword === "maximum")
      return [{ field: path, messageKey: "score.msgRange", params: { max: item.max } }];
    return [];
  });
}

/** Validates a sheet against the rubric (schema, then steps); answers it with its total, exact to the decimal. */
export function checkScoreSheet(rubric: Rubric, body: unknown): { sheet: ScoreSheet; total: number | null } {
  const submit = typeof body === "object" && body !== null && (body as { submit?: unknown }).submit === true;
  let sheet: ScoreSheet;
  try {
    sheet = validatorFor(rubric, submit)(body);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const details = err.details as { schemaErrors: ErrorObject[] };
    throw new ValidationError(err.messageKey, err.params, {
      ...details,
      formFields: formWords(rubric, details.schemaErrors),
    });
  }
  const offStep = [
    ...rubric.criteria
      .filter((c) => sheet.scores[c.key] !== undefined && !isMultipleOf(sheet.scores[c.key], c.step))
      .map((c) => ({ field: `scores.${c.key}`, step: c.step, key: c.key })),
    ...(rubric.deductions ?? [])
      .filter(
        (d) =>
          d.step !== undefined &&
          sheet.deductions?.[d.key] !== undefined &&
          !isMultipleOf(sheet.deductions[d.key], d.step),
      )
      .map((d) => ({ field: `deductions.${d.key}`, step: d.step!, key: d.key })),
  ];
  if (offStep.length > 0) {
    const first = offStep[0];
    throw new ValidationError(
      "errors.scoreOffStep",
      { key: first.key, step: first.step },
      {
        fields: offStep.map((o) => ({
          field: o.field,
          messageKey: "errors.scoreOffStep",
          params: { key: o.key, step: o.step },
        })),
        formFields: offStep.map((o) => ({ field: o.field, messageKey: "score.msgStep", params: { step: o.step } })),
      },
      "validation_failed",
    );
  }
  const complete = rubric.criteria.every((c) => sheet.scores[c.key] !== undefined);
  if (!complete) return { sheet, total: null };
  // A judge's total: the sum of the criteria less the deductions (DESIGN §3), in exact decimals.
  const plus = sum(rubric.criteria.map((c) => readScore(sheet.scores[c.key])));
  const minus = sum(Object.values(sheet.deductions ?? {}).map(readScore));
  return { sheet, total: roundFraction(sub(plus, minus), 6) };
}
