/**
 * The week's activities as the organizers' spreadsheet lists them (DESIGN §3 "Activity import"): a
 * header row (Chinese or English names, any order) and one activity a row. Pure: records in, checked
 * rows and each bad row's reasons out; no database, no clock.
 */
import { createHash } from "node:crypto";
import { normalizeCity } from "../accounts/cities.js";
import { ValidationError } from "../lib/errors.js";
import { identityKey } from "../lib/identity.js";
import { shanghaiDay, shanghaiLocalToIso } from "../lib/time.js";
import { cleanCell, tooManyRows, type TableRecord } from "../media/table-file.js";

/** A file holds at most this many activities (the seed's week had 629; the benchmark imports 10,000). */
export const MAX_ACTIVITY_ROWS = 20_000;

/** The columns in template order, each with its Chinese and English header. */
export const COLUMNS = [
  { key: "unit", zh: "单位", en: "unit" },
  { key: "city", zh: "城市", en: "city" },
  { key: "title", zh: "活动名称", en: "title" },
  { key: "theme", zh: "主题", en: "theme" },
  { key: "form", zh: "形式", en: "form" },
  { key: "start", zh: "开始", en: "start" },
  { key: "end", zh: "结束", en: "end" },
  { key: "place", zh: "地点或链接", en: "place" },
] as const;
export type ColumnKey = (typeof COLUMNS)[number]["key"];

/** The themes and forms of the work plan, each with the English name accepted in its place. */
export const THEMES = [
  { name: "科学防控", en: "science-based prevention" },
  { name: "科普行动", en: "science popularization" },
  { name: "科技扶贫", en: "poverty relief by technology" },
  { name: "科创惠民", en: "innovation for the people" },
] as const;
export const FORMS = [
  { name: "线上直播", en: "live stream" },
  { name: "网络展厅", en: "online exhibition" },
  { name: "短视频", en: "short video" },
  { name: "现场活动", en: "on-site event" },
] as const;
export type Theme = (typeof THEMES)[number]["name"];
export type Form = (typeof FORMS)[number]["name"];

const MAX_NAME = 200;
const MAX_PLACE = 500;

const byKey = <T extends { name: string; en: string }>(list: readonly T[]) =>
  new Map<string, T["name"]>(list.flatMap((item) => [item.name, item.en].map((n) => [identityKey(n), item.name])));
const THEME_OF = byKey(THEMES);
const FORM_OF = byKey(FORMS);
const COLUMN_OF = new Map<string, ColumnKey>(
  COLUMNS.flatMap((c) => [c.zh, c.en].map((n) => [identityKey(n), c.key] as const)),
);

/** The exact name of a theme or form as typed (its Chinese name or English equivalent), or null. */
export const themeOf = (text: string): Theme | null => THEME_OF.get(identityKey(text)) ?? null;
export const formOf = (text: string): Form | null => FORM_OF.get(identityKey(text)) ?? null;

export interface ActivityRow {
  row: number;
  unit: string;
  /** identityKey(unit): one unit however its name is typed. */
  unitKey: string;
  city: string;
  title: string;
  theme: Theme;
  form: Form;
  startsAt: string;
  endsAt: string;
  place: string;
  /** unit key + title key + start day (Shanghai): a re-import finds the same activity. */
  importKey: string;
}

/** Why a row was refused: a message key under `reports.activities.reason.` and its parameters. */
export interface RowProblem {
  code:
    | "unitMissing"
    | "unitTooLong"
    | "cityUnknown"
    | "titleMissing"
    | "titleTooLong"
    | "themeUnknown"
    | "formUnknown"
    | "dateFormat"
    | "endBeforeStart"
    | "placeTooLong"
    | "duplicate"
    | "unitOtherCity";
  params: Record<string, string | number>;
}

export interface RowError {
  row: number;
  problems: RowProblem[];
}

/** Whether a header row names the unit and title columns (how the right sheet of a workbook is found). */
export function isActivitiesHeader(cells: readonly string[]): boolean {
  const keys = new Set(cells.map((cell) => COLUMN_OF.get(identityKey(cleanCell(cell)))));
  return keys.has("unit") && keys.has("title");
}

/** The column of each field; a header missing a column, naming one twice or naming an unknown one is refused whole. */
function columnsOf(header: TableRecord | undefined): Record<ColumnKey, number> {
  const found = new Map<ColumnKey, number>();
  const unknown: string[] = [];
  const twice: string[] = [];
  header?.cells.forEach((cell, i) => {
    const text = cleanCell(cell);
    if (text === "") return;
    const key = COLUMN_OF.get(identityKey(text));
    if (!key) unknown.push(text);
    else if (found.has(key)) twice.push(text);
    else found.set(key, i);
  });
  const missing = COLUMNS.filter((c) => !found.has(c.key)).map((c) => c.zh);
  if (missing.length > 0 || unknown.length > 0 || twice.length > 0)
    throw new ValidationError(
      "errors.activitiesHeader",
      { missing, unknown: [...unknown, ...twice] },
      { headerRow: header?.row ?? null, missing, unknown, duplicated: twice },
      "activities_header",
    );
  return Object.fromEntries(found) as Record<ColumnKey, number>;
}

const DATE = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}))?$/;

/** `YYYY-MM-DD` or `YYYY-MM-DD HH:mm` in Shanghai time → ISO instant; a date alone is 00:00 (start) or 23:59 (end). */
export function activityInstant(text: string, edge: "start" | "end"): string | null {
  const m = DATE.exec(text);
  if (!m) return null;
  return shanghaiLocalToIso(`${m[1]}T${m[2] ?? (edge === "start" ? "00:00" : "23:59")}`);
}

export function importKey(unitKey: string, title: string, startsAt: string): string {
  // Hashed: NFKC can lengthen a key past the column; the day stays readable in front.
  const digest = createHash("sha256")
    .update(`${unitKey}\n${identityKey(title)}`)
    .digest("hex");
  return `${shanghaiDay(startsAt)}:${digest}`;
}

function checkRow(row: number, cell: (key: ColumnKey) => string): ActivityRow | RowProblem[] {
  const problems: RowProblem[] = [];
  const unit = cell("unit");
  const unitKey = identityKey(unit);
  if (unitKey === "") problems.push({ code: "unitMissing", params: {} });
  else if ([...unit].length > MAX_NAME) problems.push({ code: "unitTooLong", params: { max: MAX_NAME } });
  const city = normalizeCity(cell("city"));
  if (!city) problems.push({ code: "cityUnknown", params: { city: cell("city") } });
  const title = cell("title");
  if (identityKey(title) === "") problems.push({ code: "titleMissing", params: {} });
  else if ([...title].length > MAX_NAME) problems.push({ code: "titleTooLong", params: { max: MAX_NAME } });
  const theme = themeOf(cell("theme"));
  if (!theme) problems.push({ code: "themeUnknown", params: { value: cell("theme") } });
  const form = formOf(cell("form"));
  if (!form) problems.push({ code: "formUnknown", params: { value: cell("form") } });
  const startsAt = activityInstant(cell("start"), "start");
  if (!startsAt) problems.push({ code: "dateFormat", params: { column: "start", value: cell("start") } });
  const endsAt = activityInstant(cell("end"), "end");
  if (!endsAt) problems.push({ code: "dateFormat", params: { column: "end", value: cell("end") } });
  if (startsAt && endsAt && endsAt < startsAt) problems.push({ code: "endBeforeStart", params: {} });
  const place = cell("place");
  if ([...place].length > MAX_PLACE) problems.push({ code: "placeTooLong", params: { max: MAX_PLACE } });
  if (problems.length > 0 || !city || !theme || !form || !startsAt || !endsAt) return problems;
  return {
    row,
    unit,
    unitKey,
    city,
    title,
    theme,
    form,
    startsAt,
    endsAt,
    place,
    importKey: importKey(unitKey, title, startsAt),
  };
}

/**
 * The activities of a file: the first non-blank row is the header; blank rows are skipped; each other
 * row is an activity or a row error with every reason found. The same activity twice in a file (same
 * import key) is an error on its second row. A bad header or too many rows refuses the file whole.
 */
export function parseActivityRows(records: readonly TableRecord[]): { rows: ActivityRow[]; errors: RowError[] } {
  const nonBlank = records.filter((r) => r.cells.some((c) => cleanCell(c) !== ""));
  const [header, ...data] = nonBlank;
  const columns = columnsOf(header);
  if (data.length > MAX_ACTIVITY_ROWS) throw tooManyRows("activities", MAX_ACTIVITY_ROWS, data.length);
  const rows: ActivityRow[] = [];
  const errors: RowError[] = [];
  const firstRowOf = new Map<string, number>();
  for (const record of data) {
    const checked = checkRow(record.row, (key) => cleanCell(record.cells[columns[key]] ?? ""));
    if (Array.isArray(checked)) {
      errors.push({ row: record.row, problems: checked });
      continue;
    }
    const first = firstRowOf.get(checked.importKey);
    if (first !== undefined) {
      errors.push({ row: record.row, problems: [{ code: "duplicate", params: { row: first } }] });
      continue;
    }
    firstRowOf.set(checked.importKey, record.row);
    rows.push(checked);
  }
  return { rows, errors };
}
