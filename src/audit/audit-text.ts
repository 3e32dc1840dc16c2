/**
 * The audit log in people's words (issue 10, item 8): an action's label, the target's name, and
 * each detail as 字段: 旧 → 新. Pure: names of ids come in a map the caller looked up.
 */
import { hasMessage, translate, type Locale } from "../lib/i18n.js";
import { formatShanghai } from "../lib/time.js";
import type { AuditRecord } from "./audit.queries.js";

export interface DetailLine {
  label: string;
  /** Present for a change: the old value; `value` is then the new one. */
  from?: string;
  value: string;
}

export interface ReadableAudit {
  actionLabel: string;
  /** Shanghai time, as every page shows it. */
  atText: string;
  targetLabel: string;
  lines: DetailLine[];
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;

/** Top-level pairs some actions record: which keys hold the old and new value, and what they are. */
const PAIRS: Record<string, { from: string; to: string; field: string }> = {
  "contest.stage": { from: "from", to: "to", field: "stage" },
  "judging.swap": { from: "from", to: "to", field: "judge" },
  "entry.timing": { from: "before", to: "seconds", field: "seconds" },
};

/** Details not shown as lines: the entry's code is the target's name; an objection's id names nothing a reader knows (its entry is shown). */
const NOT_SHOWN = new Set(["code", "objectionId"]);

export const actionLabelKey = (action: string) => `audit.action.${action}`;

export function actionLabel(action: string, locale: Locale): string {
  return hasMessage(actionLabelKey(action)) ? translate(locale, actionLabelKey(action)) : action;
}

/** Every id a record's details mention, for one batch look-up of their names. */
export function idsIn(details: Record<string, unknown>): string[] {
  const ids: string[] = [];
  const visit = (value: unknown) => {
    if (typeof value === "string" && ID.test(value)) ids.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === "object" && value !== null) Object.values(value).forEach(visit);
  };
  visit(details);
  return ids;
}

export function fieldLabel(field: string, locale: Locale): string {
  return field
    .split(".")
    .map((part) => {
      for (const key of [`audit.field.${part}`, `fileRole.${part}`]) if (hasMessage(key)) return translate(locale, key);
      return part;
    })
    .join(" · ");
}

/** Details whose values are keys of a word list: a stage, a role, a contest kind, a file role… */
const VALUE_KEYS: Record<string, string[]> = {
  stage: ["stage"],
  from: ["stage"],
  to: ["stage"],
  role: ["role"],
  kind: ["kind"],
  files: ["fileRole"],
  decision: ["audit.value"],
  mode: ["audit.value"],
  prize: ["prize"],
};

function valueText(field: string, value: unknown, locale: Locale, names: Map<string, string>): string {
  const t = (key: string) => translate(locale, key);
  const last = field.split(".").at(-1)!;
  if (value === null || value === undefined || value === "") return t("audit.none");
  if (typeof value === "boolean") return t(value ? "audit.yes" : "audit.no");
  if (typeof value === "number") return String(value);
  if (typeof value === "string") {
    if (ID.test(value)) return names.get(value) ?? t("audit.unknownId");
    if (INSTANT.test(value)) return formatShanghai(value, locale);
    const key = VALUE_KEYS[last]?.map((prefix) => `${prefix}.${value}`).find(hasMessage);
    return key ? t(key) : value;
  }
  if (Array.isArray(value)) {
    // Rubric criteria and deductions read as 科学性 30、知识性 20.
    const parts = (value as unknown[]).map((v) =>
      typeof v === "object" && v !== null && "label" in v && "max" in v
        ? `${String(v.label)} ${String(v.max)}`
        : valueText(field, v, locale, names),
    );
    return parts.length > 0 ? parts.join(locale === "en" ? ", " : "、") : t("audit.none");
  }
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${fieldLabel(k, locale)} ${valueText(`${field}.${k}`, v, locale, names)}`)
    .join(locale === "en" ? "; " : "；");
}

/** A detail recorded as `{from, to}` (closesAt on closing early, a pool's size): a change, not an object. */
const isChange = (value: unknown): value is { from: unknown; to: unknown } =>
  typeof value === "object" && value !== null && Object.keys(value).length === 2 && "from" in value && "to" in value;

/** Each detail of a record as a line: a change as 旧 → 新, anything else as its value. */
export function detailLines(
  action: string,
  details: Record<string, unknown>,
  locale: Locale,
  names: Map<string, string>,
): DetailLine[] {
  const lines: DetailLine[] = [];
  const text = (field: string, value: unknown) => valueText(field, value, locale, names);
  const pair = PAIRS[action];
  if (pair && (pair.from in details || pair.to in details)) {
    const from = details[pair.from];
    lines.push({
      label: fieldLabel(pair.field, locale),
      from: text(pair.field, from),
      value: text(pair.field, details[pair.to]),
    });
  }
  for (const [key, value] of Object.entries(details)) {
    if (NOT_SHOWN.has(key) || (pair && (key === pair.from || key === pair.to))) continue;
    if (key === "changes" && Array.isArray(value)) {
      for (const c of value as { field: string; from: unknown; to: unknown }[])
        lines.push({ label: fieldLabel(c.field, locale), from: text(c.field, c.from), value: text(c.field, c.to) });
    } else if (key === "changes" && typeof value === "object" && value !== null) {
      // Recorded before changes carried their old value: the new value alone.
      for (const [field, to] of Object.entries(value))
        lines.push({ label: fieldLabel(field, locale), value: text(field, to) });
    } else if (isChange(value)) {
      lines.push({ label: fieldLabel(key, locale), from: text(key, value.from), value: text(key, value.to) });
    } else {
      lines.push({ label: fieldLabel(key, locale), value: text(key, value) });
    }
  }
  return lines;
}

/** What the target is called: the contest's title, the entry's code (and contest), the user's name. */
function targetLabel(record: AuditRecord, locale: Locale): string {
  const t = (key: string, params = {}) => translate(locale, key, params);
  if (record.targetType === "contest") return record.contestTitle ?? t("audit.deleted");
  if (record.targetType === "entry")
    return record.targetName
      ? t("audit.entryIn", { code: record.targetName, contest: record.contestTitle ?? "" })
      : t("audit.deleted");
  if (record.targetType === "user")
    return record.targetName ?? (record.targetId ? t("audit.deleted") : t("audit.users"));
  return t("audit.system");
}

export function readableAudit(record: AuditRecord, locale: Locale, names: Map<string, string>): ReadableAudit {
  return {
    actionLabel: actionLabel(record.action, locale),
    atText: formatShanghai(record.at, locale),
    targetLabel: targetLabel(record, locale),
    lines: detailLines(record.action, record.details, locale, names),
  };
}
