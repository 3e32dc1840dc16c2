/**
 * Schema builders for what TypeBox spells differently from the JSON Schema our clients' errors come
 * from. Each answers a TypeBox schema whose static type is derived from its parts, so `compile` still
 * types the value from the schema; only the JSON written out is chosen here.
 */
import { Type, type ObjectOptions, type Static, type TSchema, type TUnsafe } from "@sinclair/typebox";

/**
 * A string from a fixed list, as `{type: "string", enum: [...]}`. TypeBox's own way (a union of
 * literals) is an `anyOf`, whose errors (one per branch) differ from the single `enum` error.
 */
export function StringEnum<const T extends readonly string[]>(values: T): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: "string", enum: [...values] });
}

/** Exactly this value, as a bare `{const: value}` (TypeBox's Literal adds a `type`, and with it a second error). */
export function Const<const T extends string | number | boolean>(value: T): TUnsafe<T> {
  return Type.Unsafe<T>({ const: value });
}

/** Exactly one of the schemas, as `oneOf` (TypeBox's Union is an `anyOf`, which reports errors differently). */
export function OneOf<const T extends TSchema[]>(schemas: [...T]): TUnsafe<Static<T[number]>> {
  return Type.Unsafe<Static<T[number]>>({ oneOf: schemas });
}

/**
 * An object used as a map from any key to values of one schema, as `additionalProperties: <schema>`
 * (TypeBox's Record writes `patternProperties` instead). Key rules go in `options.propertyNames`.
 */
export function StringMap<V extends TSchema>(
  values: V,
  options: ObjectOptions = {},
): TUnsafe<Record<string, Static<V>>> {
  return Type.Unsafe<Record<string, Static<V>>>({ ...options, type: "object", additionalProperties: values });
}

/**
 * `?lang=` may ride on any page's URL (the header's language switch adds it): a query schema that refuses
 * unknown parameters names it. Any value passes, as before: the i18n middleware ignores one it does not know.
 */
export const LangParam = Type.Optional(Type.Unknown());
