import { compile } from "../lib/validate.js";

export const ENTRY_STATUSES = ["submitted", "withdrawn", "disqualified"] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

export interface Author {
  name: string;
  role?: string;
}

const author = {
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: { name: { type: "string", minLength: 1, maxLength: 50, pattern: "\\S" }, role: { type: "string", maxLength: 20 } },
} as const;

export const authorsSchema = { type: "array", minItems: 1, maxItems: 20, items: author } as const;

const title = { type: "string", minLength: 1, maxLength: 200, pattern: "\\S" } as const;
const summary = { type: "string", maxLength: 5000 } as const;
const category = { type: "string", minLength: 1, maxLength: 40, pattern: "\\S" } as const;
const city = { type: "string", minLength: 1, maxLength: 40 } as const;
const unit = { type: "string", maxLength: 200 } as const;

export interface EntryFields {
  title: string;
  summary?: string;
  category: string;
  city?: string;
  unit?: string;
  authors: Author[];
  declaration: true;
}

/** A submission's text fields, after `authors` is parsed from its JSON text and `declaration` from "true". */
export const parseEntryFields = compile<EntryFields>({
  type: "object",
  additionalProperties: false,
  required: ["title", "category", "authors", "declaration"],
  properties: { title, summary, category, city, unit, authors: authorsSchema, declaration: { const: true } },
});

export type EntryChanges = Partial<Omit<EntryFields, "declaration">>;

export const parseEntryChanges = compile<EntryChanges>({
  type: "object",
  additionalProperties: false,
  properties: { title, summary, category, city, unit, authors: authorsSchema },
});

export interface ReasonBody {
  reason: string;
}

export const parseReasonBody = compile<ReasonBody>({
  type: "object",
  additionalProperties: false,
  required: ["reason"],
  properties: { reason: { type: "string", minLength: 1, maxLength: 1000, pattern: "\\S" } },
});

export interface EntryListQuery {
  city?: string;
  category?: string;
  status?: EntryStatus;
  q?: string;
  failing?: "1" | "0";
  recommended?: "1" | "0";
}

export const parseEntryListQuery = compile<EntryListQuery>({
  type: "object",
  additionalProperties: true,
  properties: {
    city: { type: "string", maxLength: 40 },
    category: { type: "string", maxLength: 40 },
    status: { type: "string", enum: [...ENTRY_STATUSES] },
    q: { type: "string", maxLength: 100 },
    failing: { type: "string", enum: ["1", "0"] },
    recommended: { type: "string", enum: ["1", "0"] },
  },
});

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

export interface TimingBody {
  seconds: number;
}

export const parseTimingBody = compile<TimingBody>({
  type: "object",
  additionalProperties: false,
  required: ["seconds"],
  properties: { seconds: { type: "integer", minimum: 0, maximum: 7200 } },
});

export interface PublicVotesBody {
  /** Vote counts by entry code. */
  votes: Record<string, number>;
}

export const parsePublicVotesBody = compile<PublicVotesBody>({
  type: "object",
  additionalProperties: false,
  required: ["votes"],
  properties: {
    votes: { type: "object", maxProperties: 200000, propertyNames: { minLength: 1, maxLength: 40 }, additionalProperties: { type: "integer", minimum: 0, maximum: 1000000000 } },
  },
});

export interface SafetyBody {
  safe: boolean;
}

export const parseSafetyBody = compile<SafetyBody>({
  type: "object",
  additionalProperties: false,
  required: ["safe"],
  properties: { safe: { type: "boolean" } },
});
