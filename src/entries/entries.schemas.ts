import { Type, type Static } from "@sinclair/typebox";
import { LangParam, StringEnum, Const, StringMap } from "../lib/schema.js";
import { compile } from "../lib/validate.js";

export const ENTRY_STATUSES = ["submitted", "withdrawn", "disqualified"] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

const author = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 50, pattern: "\\S" }),
    role: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: false },
);
export type Author = Static<typeof author>;

export const authorsSchema = Type.Array(author, { minItems: 1, maxItems: 20 });

const title = Type.String({ minLength: 1, maxLength: 200, pattern: "\\S" });
const summary = Type.String({ maxLength: 5000 });
const category = Type.String({ minLength: 1, maxLength: 40, pattern: "\\S" });
const city = Type.String({ minLength: 1, maxLength: 40 });
const unit = Type.String({ maxLength: 200 });

/** A submission's text fields, after `authors` is parsed from its JSON text and `declaration` from "true". */
export const EntryFieldsSchema = Type.Object(
  {
    title,
    summary: Type.Optional(summary),
    category,
    city: Type.Optional(city),
    unit: Type.Optional(unit),
    authors: authorsSchema,
    declaration: Const(true),
  },
  { additionalProperties: false },
);
export type EntryFields = Static<typeof EntryFieldsSchema>;
export const parseEntryFields = compile(EntryFieldsSchema);

export const EntryChangesSchema = Type.Object(
  {
    title: Type.Optional(title),
    summary: Type.Optional(summary),
    category: Type.Optional(category),
    city: Type.Optional(city),
    unit: Type.Optional(unit),
    authors: Type.Optional(authorsSchema),
  },
  { additionalProperties: false },
);
export type EntryChanges = Static<typeof EntryChangesSchema>;
export const parseEntryChanges = compile(EntryChangesSchema);

export const ReasonBodySchema = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 1000, pattern: "\\S" }) },
  { additionalProperties: false },
);
export type ReasonBody = Static<typeof ReasonBodySchema>;
export const parseReasonBody = compile(ReasonBodySchema);

/** The entry list's filters; unknown parameters are refused like unknown body fields. */
export const EntryListQuerySchema = Type.Object(
  {
    city: Type.Optional(Type.String({ maxLength: 40 })),
    category: Type.Optional(Type.String({ maxLength: 40 })),
    status: Type.Optional(StringEnum(ENTRY_STATUSES)),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    failing: Type.Optional(StringEnum(["1", "0"])),
    recommended: Type.Optional(StringEnum(["1", "0"])),
    lang: LangParam,
  },
  { additionalProperties: false },
);
export type EntryListQuery = Static<typeof EntryListQuerySchema>;
export const parseEntryListQuery = compile(EntryListQuerySchema);

/**
 * Multipart text arrives as strings: `authors` is JSON text and `declaration` the word "true".
 * Anything else is passed on unchanged, for the schema to judge.
 */
export function fieldsFromMultipart(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  if (typeof raw.authors === "string") {
    try {
      out.authors = JSON.parse(raw.authors);
    } catch {
      out.authors = raw.authors;
    }
  }
  if (raw.declaration === "true" || raw.declaration === "on" || raw.declaration === "1") out.declaration = true;
  else if (raw.declaration === "false") out.declaration = false;
  return out;
}

export const TimingBodySchema = Type.Object(
  { seconds: Type.Integer({ minimum: 0, maximum: 7200 }) },
  { additionalProperties: false },
);
export type TimingBody = Static<typeof TimingBodySchema>;
export const parseTimingBody = compile(TimingBodySchema);

export const PublicVotesBodySchema = Type.Object(
  {
    /** Vote counts by entry code. */
    votes: StringMap(Type.Integer({ minimum: 0, maximum: 1000000000 }), {
      maxProperties: 200000,
      propertyNames: { minLength: 1, maxLength: 40 },
    }),
  },
  { additionalProperties: false },
);
export type PublicVotesBody = Static<typeof PublicVotesBodySchema>;
export const parsePublicVotesBody = compile(PublicVotesBodySchema);

export const SafetyBodySchema = Type.Object({ safe: Type.Boolean() }, { additionalProperties: false });
export type SafetyBody = Static<typeof SafetyBodySchema>;
export const parseSafetyBody = compile(SafetyBodySchema);
