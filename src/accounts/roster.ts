/**
 * The judges' roster (专家名单) an organizer imports: a CSV or a spreadsheet with a header row in
 * Chinese or English. Pure: text and cells in, checked rows out; no database, no clock, no randomness.
 */
import { Type, type Static } from "@sinclair/typebox";
import { ValidationError, type MessageParams } from "../lib/errors.js";
import { identityKey } from "../lib/identity.js";
import { compile } from "../lib/validate.js";
import { cleanCell, parseCsvRecords, tooManyRows, type TableRecord } from "../media/table-file.js";
import { normalizeCity, type City } from "./cities.js";

export const ROSTER_FIELDS = ["name", "email", "unit", "city", "expertise", "avoidUnits"] as const;
export type RosterField = (typeof ROSTER_FIELDS)[number];

/** Only these two must be present; the others may be absent as columns or empty in a row. */
export const REQUIRED_FIELDS: readonly RosterField[] = ["name", "email"];

/** Heads as organizers write them, compared after `headerKey` (so "E-mail", "邮箱（必填）" and "EMAIL" all match). */
const HEADER_ALIASES: Record<RosterField, readonly string[]> = {
  name: ["姓名", "名字", "专家姓名", "name", "fullname", "judgename"],
  email: ["邮箱", "电子邮箱", "邮箱地址", "电子邮件", "邮件", "email", "emailaddress", "mail"],
  unit: ["单位", "工作单位", "所在单位", "单位名称", "unit", "organization", "organisation", "affiliation", "employer"],
  city: ["城市", "所在城市", "地市", "所在地市", "city"],
  expertise: ["专业领域", "领域", "专业", "擅长领域", "评审领域", "expertise", "themes", "fields"],
  avoidUnits: ["回避单位", "需回避单位", "回避", "avoidunits", "avoidunit", "unitstoavoid", "avoid"],
};

/** Limits of the user schemas (accounts.schemas.ts), so a row that passes here also passes there. */
export const LIMITS = {
  name: 100,
  email: 254,
  unit: 200,
  expertiseItem: 40,
  expertiseItems: 20,
  avoidUnit: 200,
  avoidUnits: 50,
} as const;

/** A file may hold at most this many judges: each needs a password hash (~25 ms of argon2id). */
export const MAX_ROSTER_ROWS = 1000;

export { cleanCell };

/** One record of the file: its row number as a spreadsheet shows it (header = row 1), and its cells. */
export type RosterRecord = TableRecord;

export interface RosterJudge {
  name: string;
  email: string;
  unit: string | null;
  city: City | null;
  expertise: string[];
  avoidUnits: string[];
}

export type RefusalCode =
  | "name_missing"
  | "email_missing"
  | "email_invalid"
  | "city_unknown"
  | "too_long"
  | "too_many_items"
  | "duplicate_in_file"
  | "email_taken";

export interface Refusal {
  code: RefusalCode;
  /** Message key `roster.reason.<code>` and its parameters. */
  params: MessageParams;
}

export type CheckedRow =
  | { row: number; email: string; judge: RosterJudge; refusal?: undefined }
  | { row: number; email: string; refusal: Refusal; judge?: undefined };

/** A header cell reduced to compare: NFKC (full-width → ASCII), no notes in brackets, no marks or spaces, lower case. */
export function headerKey(value: string): string {
  return cleanCell(value)
    .normalize("NFKC")
    .replace(/\([^)]*\)|\[[^\]]*\]|【[^】]*】|〔[^〕]*〕/g, "")
    .replace(/[\s*:_\-.。]/g, "")
    .toLowerCase();
}

const ALIAS_TO_FIELD = new Map<string, RosterField>(
  ROSTER_FIELDS.flatMap((field) => HEADER_ALIASES[field].map((alias) => [headerKey(alias), field] as const)),
);

/** The field a header cell names, or null (a column we do not use, such as 序号 or 备注). */
export function fieldOfHeader(cell: string): RosterField | null {
  return ALIAS_TO_FIELD.get(headerKey(cell)) ?? null;
}

export interface HeaderMap {
  columns: Partial<Record<RosterField, number>>;
  missing: RosterField[];
  repeated: RosterField[];
}

/** Which column holds which field; the first column wins a field named twice, which is reported. */
export function detectHeader(cells: string[]): HeaderMap {
  const columns: Partial<Record<RosterField, number>> = {};
  const repeated: RosterField[] = [];
  cells.forEach((cell, index) => {
    const field = fieldOfHeader(cell);
    if (!field) return;
    if (columns[field] === undefined) columns[field] = index;
    else if (!repeated.includes(field)) repeated.push(field);
  });
  return { columns, missing: REQUIRED_FIELDS.filter((f) => columns[f] === undefined), repeated };
}

/**
 * Themes and units are separated by 、 , ; (ASCII or full-width) or spaces; empty and repeated items drop
 * out. A form's text area may keep spaces inside a unit's name, one unit a line (`spaces: false`).
 */
export function splitList(value: string, options: { spaces: boolean } = { spaces: true }): string[] {
  return distinctByIdentity(cleanCell(value).split(options.spaces ? /[、,，;；\s]+/ : /[、,，;；\r\n]+/));
}

/** Items cleaned, the empty ones dropped and, of those with the same identity key, the first kept as typed. */
function distinctByIdentity(items: readonly string[]): string[] {
  const byKey = new Map<string, string>();
  for (const item of items) {
    const clean = cleanCell(item);
    const key = identityKey(clean);
    if (key !== "" && !byKey.has(key)) byKey.set(key, clean);
  }
  return [...byKey.values()];
}

/**
 * E-mail addresses compared and stored as one, by their identity key: NFKC (a full-width ＠ typed in a
 * Chinese IME), no spaces or invisible characters, lower case.
 */
export function canonicalRosterEmail(value: string): string {
  return identityKey(value);
}

// The same `format: "email"` the user schemas use, so a row refused here would be refused there.
const emailValidator = compile(Type.String({ format: "email", maxLength: LIMITS.email }));
function isEmail(value: string): boolean {
  try {
    emailValidator(value);
    return true;
  } catch {
    return false;
  }
}

/** The roster's CSV records (media/table-file.ts), refused with the roster's messages. */
export function parseCsv(text: string): RosterRecord[] {
  return parseCsvRecords(text, "roster");
}

function isBlank(record: RosterRecord): boolean {
  return record.cells.every((c) => cleanCell(c) === "");
}

function tooLong(field: RosterField, max: number): Refusal {
  return { code: "too_long", params: { field, max } };
}

/** One data row against the header: the judge it describes, or why it is refused (the first reason found). */
export function checkRow(record: RosterRecord, columns: Partial<Record<RosterField, number>>): CheckedRow {
  const cellOf = (field: RosterField) => {
    const index = columns[field];
    return index === undefined ? "" : cleanCell(record.cells[index] ?? "");
  };
  const email = canonicalRosterEmail(cellOf("email"));
  const refuse = (refusal: Refusal): CheckedRow => ({ row: record.row, email, refusal });
  const name = cellOf("name");
  if (!email) return refuse({ code: "email_missing", params: {} });
  if (!isEmail(email)) return refuse({ code: "email_invalid", params: { email } });
  if (!name) return refuse({ code: "name_missing", params: {} });
  if (name.length > LIMITS.name) return refuse(tooLong("name", LIMITS.name));
  const unit = cellOf("unit");
  if (unit.length > LIMITS.unit) return refuse(tooLong("unit", LIMITS.unit));
  const cityText = cellOf("city");
  const city = cityText ? normalizeCity(cityText) : null;
  if (cityText && !city) return refuse({ code: "city_unknown", params: { city: cityText } });
  const expertise = splitList(cellOf("expertise"));
  if (expertise.length > LIMITS.expertiseItems)
    return refuse({ code: "too_many_items", params: { field: "expertise", max: LIMITS.expertiseItems } });
  if (expertise.some((e) => e.length > LIMITS.expertiseItem)) return refuse(tooLong("expertise", LIMITS.expertiseItem));
  const avoidUnits = splitList(cellOf("avoidUnits"));
  if (avoidUnits.length > LIMITS.avoidUnits)
    return refuse({ code: "too_many_items", params: { field: "avoidUnits", max: LIMITS.avoidUnits } });
  if (avoidUnits.some((u) => u.length > LIMITS.avoidUnit)) return refuse(tooLong("avoidUnits", LIMITS.avoidUnit));
  return { row: record.row, email, judge: { name, email, unit: unit || null, city, expertise, avoidUnits } };
}

export interface CheckedRoster {
  /** The header's row number. */
  headerRow: number;
  rows: CheckedRow[];
}

/**
 * The whole roster: the first non-blank record is the header; blank rows are skipped; every other row
 * is checked, and an e-mail already claimed by an earlier row of the file (valid or not) is refused
 * as a duplicate pointing at that row. A file without a usable header is refused as a whole.
 */
export function checkRoster(records: RosterRecord[]): CheckedRoster {
  const nonBlank = records.filter((r) => !isBlank(r));
  const header = nonBlank[0];
  if (!header) throw new ValidationError("errors.rosterEmpty", {}, undefined, "roster_empty");
  const { columns, missing, repeated } = detectHeader(header.cells);
  if (missing.length > 0) {
    throw new ValidationError(
      "errors.rosterHeader",
      { columns: missing.map((f) => HEADER_ALIASES[f].slice(0, 1).concat(f).join("/")) },
      { missing, headerRow: header.row },
      "roster_header",
    );
  }
  if (repeated.length > 0) {
    throw new ValidationError(
      "errors.rosterRepeatedColumn",
      { columns: repeated.map((f) => `${HEADER_ALIASES[f][0]}/${f}`) },
      { repeated, headerRow: header.row },
      "roster_header",
    );
  }
  const data = nonBlank.slice(1);
  if (data.length === 0) throw new ValidationError("errors.rosterEmpty", {}, undefined, "roster_empty");
  if (data.length > MAX_ROSTER_ROWS) throw tooManyRows("roster", MAX_ROSTER_ROWS, data.length);
  const firstRowOf = new Map<string, number>();
  const rows = data.map((record): CheckedRow => {
    const checked = checkRow(record, columns);
    if (!checked.email) return checked;
    const first = firstRowOf.get(checked.email);
    if (first !== undefined)
      return { row: checked.row, email: checked.email, refusal: { code: "duplicate_in_file", params: { first } } };
    firstRowOf.set(checked.email, checked.row);
    return checked;
  });
  return { headerRow: header.row, rows };
}

/** What a judge may change of his own profile (PATCH /api/v1/me): only the units he must avoid. */
export const OwnProfileBodySchema = Type.Object(
  {
    avoidUnits: Type.Array(Type.String({ minLength: 1, maxLength: LIMITS.avoidUnit }), { maxItems: LIMITS.avoidUnits }),
  },
  { additionalProperties: false },
);
export type OwnProfileBody = Static<typeof OwnProfileBodySchema>;
export const parseOwnProfileBody = compile(OwnProfileBodySchema);

/** A list from the API or a form, cleaned as a roster cell's would be: trimmed, no empty or repeated (by identity key) items. */
export function cleanList(items: readonly string[]): string[] {
  return distinctByIdentity(items);
}
