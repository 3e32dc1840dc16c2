import type { Static, TSchema } from "@sinclair/typebox";
import { Ajv, type ErrorObject } from "ajv";
import addFormats from "ajv-formats";
import localizeAll from "ajv-i18n";
import { ValidationError } from "./errors.js";
import type { Locale } from "./i18n.js";

/** The one ajv instance: every body, query and params schema is compiled here once. */
const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: false, coerceTypes: false, strict: true });
addFormats.default(ajv);

export type Validator<T> = (data: unknown) => T;

/**
 * Compiles a TypeBox schema once; the returned function answers the value typed by the schema itself
 * (the schema is the type: no hand-written interface can drift from it) or throws ValidationError.
 */
export function compile<S extends TSchema>(schema: S): Validator<Static<S>> {
  const check = ajv.compile<Static<S>>(schema);
  return (data: unknown): Static<S> => {
    if (check(data)) return data;
    throw new ValidationError("errors.validation", {}, { schemaErrors: check.errors ?? [] });
  };
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** Turns ajv errors into field problems in the reader's language (ajv-i18n), naming the field. */
export function describeSchemaErrors(errors: ErrorObject[], locale: Locale): FieldProblem[] {
  const copies = errors.map((e) => ({ ...e }));
  // ajv-i18n is CommonJS with `export default` in its types; at run time the default import is the map itself.
  const localize = localizeAll as unknown as Record<"en" | "zh", (errors: ErrorObject[]) => void>;
  localize[locale === "en" ? "en" : "zh"](copies);
  return copies.map((e) => {
    let field = e.instancePath.replace(/^\//, "").replace(/\//g, ".");
    if (e.keyword === "additionalProperties") {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      field = field ? `${field}.${extra}` : extra;
    } else if (e.keyword === "required") {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      field = field ? `${field}.${missing}` : missing;
    }
    return { field: field || "(body)", message: e.message ?? e.keyword };
  });
}
