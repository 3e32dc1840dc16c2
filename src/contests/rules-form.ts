/**
 * The rules editor's form fields ↔ the rules and deductions they edit. A field is sent only where its
 * stage allows it (locked fields are disabled, so the browser leaves them out): what is absent is not
 * changed. Checkboxes come after a hidden "0", so an unticked box still says it was on the form.
 */
import { CITIES } from "../accounts/cities.js";
import { ValidationError } from "../lib/errors.js";
import { CONTENT_TYPES } from "../media/content-type.js";
import type { Deduction, Rubric } from "./rubric.js";
import type { ContestRules, FileRule } from "./rules.js";

const MB = 1024 * 1024;
export const VIDEO_CODECS = ["h264", "hevc", "vp9", "av1", "mpeg4"] as const;
export const CONTENT_TYPE_NAMES = Object.keys(CONTENT_TYPES);
/** Durations typed as minutes and seconds. */
export const DURATIONS = ["minSeconds", "maxSeconds"] as const;
export const TIME_DURATIONS = ["minSeconds", "targetSeconds", "cutoffSeconds"] as const;
export const COUNTS = ["maxEntriesPerAuthor", "maxEntriesPerContestant", "maxEntriesPerUnit", "teamMax"] as const;

type Fields = Record<string, unknown>;

/** A field's last value: a checkbox after its hidden "0" arrives as ["0", "1"]. */
export function lastValue(value: unknown): string | undefined {
  const v: unknown = Array.isArray(value) ? (value as unknown[])[value.length - 1] : value;
  return typeof v === "string" ? v.trim() : undefined;
}

export const listValue = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string" && v !== "");

const sub = (fields: Fields, name: string): Fields | undefined => {
  const v = fields[name];
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Fields) : undefined;
};

/** A number as typed: the number where it is one, else the text itself, for the schema to refuse by name. */
function numberOrText(value: string): number | string {
  return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

/** An optional number: empty → null (no limit). */
function optionalNumber(value: unknown): number | string | null | undefined {
  const v = lastValue(value);
  if (v === undefined) return undefined;
  return v === "" ? null : numberOrText(v);
}

/** Minutes and seconds → seconds; both empty → null. */
function duration(value: unknown): number | string | null | undefined {
  const parts = typeof value === "object" && value !== null ? (value as Fields) : undefined;
  if (!parts) return undefined;
  const m = lastValue(parts.m) ?? "";
  const s = lastValue(parts.s) ?? "";
  if (m === "" && s === "") return null;
  const minutes = numberOrText(m || "0");
  const seconds = numberOrText(s || "0");
  return typeof minutes === "number" && typeof seconds === "number" ? minutes * 60 + seconds : `${m}:${s}`;
}

function checkbox(value: unknown): boolean | undefined {
  const v = lastValue(value);
  return v === undefined ? undefined : v === "1";
}

function fileRuleFromForm(fields: Fields): Record<string, unknown> {
  const rule: Record<string, unknown> = {};
  const required = checkbox(fields.required);
  if (required !== undefined) rule.required = required;
  if (fields.types !== undefined) rule.types = listValue(fields.types);
  const mb = lastValue(fields.maxMB);
  if (mb !== undefined) {
    const n = numberOrText(mb);
    rule.maxBytes = typeof n === "number" ? Math.round(n * MB) : n;
  }
  for (const name of DURATIONS) {
    const seconds = duration(fields[name]);
    if (seconds !== undefined) rule[name] = seconds;
  }
  const minHeight = optionalNumber(fields.minHeight);
  if (minHeight !== undefined) rule.minHeight = minHeight;
  const aspect = lastValue(fields.aspectRatio);
  if (aspect !== undefined) rule.aspectRatio = aspect === "" ? null : aspect;
  if (fields.videoCodecs !== undefined) {
    const codecs = listValue(fields.videoCodecs);
    rule.videoCodecs = codecs.length > 0 ? codecs : null;
  }
  return rule;
}

/** 0–30 %, as the page asks; the stored weight is a share (0–0.3). */
function voteWeight(value: unknown): number | string | undefined {
  const v = lastValue(value);
  if (v === undefined) return undefined;
  const n = numberOrText(v);
  if (typeof n !== "number" || n < 0 || n > 30) {
    throw new ValidationError(
      "rulesEditor.votePercentInvalid",
      {},
      { fields: [{ field: "rules.publicVoteWeight", messageKey: "rulesEditor.votePercentInvalid" }] },
      "invalid_rules",
    );
  }
  return Math.round(n * 100) / 10000;
}

function timeRulesFromForm(fields: Fields): Record<string, unknown> | null | undefined {
  const enabled = checkbox(fields.enabled);
  if (enabled === undefined) return undefined;
  if (!enabled) return null;
  const out: Record<string, unknown> = {};
  for (const name of TIME_DURATIONS) out[name] = duration(fields[name]) ?? "";
  for (const name of ["graceSeconds", "underPenalty", "overPenalty"])
    out[name] = numberOrText(lastValue(fields[name]) ?? "");
  return out;
}

function deductionsFromForm(rows: unknown): Record<string, unknown>[] {
  const all = Array.isArray(rows) ? rows : typeof rows === "object" && rows !== null ? Object.values(rows) : [];
  return (all as Fields[])
    .filter((row) => row && (lastValue(row.key) ?? "") !== "" && checkbox(row.remove) !== true)
    .map((row) => {
      const step = lastValue(row.step) ?? "";
      return {
        key: lastValue(row.key),
        label: lastValue(row.label) ?? "",
        max: numberOrText(lastValue(row.max) ?? ""),
        ...(step !== "" ? { step: numberOrText(step) } : {}),
      };
    });
}

/**
 * The change a rules form asks for, in the API's body shape (`{rules, rubric}`), with only the fields it
 * carried. The rubric keeps its criteria: the editor changes its deductions only.
 */
export function rulesChangeFromForm(fields: Fields, rubric: Rubric): Record<string, unknown> {
  const rules: Record<string, unknown> = {};
  const files = sub(fields, "files");
  if (files) {
    rules.files = Object.fromEntries(
      Object.entries(files).map(([role, rule]) => [role, fileRuleFromForm((rule ?? {}) as Fields)]),
    );
  }
  for (const name of COUNTS) {
    const value = optionalNumber(fields[name]);
    if (value !== undefined) rules[name] = value;
  }
  for (const name of ["requiresRecommendation", "sameCityConflict", "safetyGate"]) {
    const value = checkbox(fields[name]);
    if (value !== undefined) rules[name] = value;
  }
  for (const name of ["recommendationQuota", "noticeDays"]) {
    const value = lastValue(fields[name]);
    if (value !== undefined) rules[name] = numberOrText(value);
  }
  const quotas = sub(fields, "quotas");
  if (quotas) {
    rules.recommendationQuotas = Object.fromEntries(
      Object.entries(quotas)
        .map(([city, value]) => [city, lastValue(value) ?? ""] as const)
        .filter(([, value]) => value !== "")
        .map(([city, value]) => [city, numberOrText(value)]),
    );
  }
  const weight = voteWeight(fields.votePercent);
  if (weight !== undefined) rules.publicVoteWeight = weight;
  const time = sub(fields, "timeRules");
  if (time) {
    const timeRules = timeRulesFromForm(time);
    if (timeRules !== undefined) rules.timeRules = timeRules;
  }
  const body: Record<string, unknown> = {};
  if (Object.keys(rules).length > 0) body.rules = rules;
  if (fields.deductions !== undefined)
    body.rubric = { criteria: rubric.criteria, deductions: deductionsFromForm(fields.deductions) };
  return body;
}

const minutesAndSeconds = (seconds: number | undefined) =>
  seconds === undefined ? { m: "", s: "" } : { m: String(Math.floor(seconds / 60)), s: String(seconds % 60) };

const countText = (n: number | null) => (n === null ? "" : String(n));

function fileRuleValues(rule: FileRule): Fields {
  return {
    required: rule.required ? "1" : "0",
    types: rule.types,
    // MB is a power of two, so bytes → MB → bytes is exact.
    maxMB: String(rule.maxBytes / MB),
    minSeconds: minutesAndSeconds(rule.minSeconds),
    maxSeconds: minutesAndSeconds(rule.maxSeconds),
    minHeight: rule.minHeight === undefined ? "" : String(rule.minHeight),
    aspectRatio: rule.aspectRatio ?? "",
    videoCodecs: rule.videoCodecs ?? [],
  };
}

/** The form's fields for the current rules and deductions, in the shape the form posts. */
export function rulesFormValues(rules: ContestRules, deductions: Deduction[]): Fields {
  const time = rules.timeRules;
  return {
    files: Object.fromEntries(Object.entries(rules.files).map(([role, rule]) => [role, fileRuleValues(rule)])),
    ...Object.fromEntries(COUNTS.map((name) => [name, countText(rules[name])])),
    requiresRecommendation: rules.requiresRecommendation ? "1" : "0",
    recommendationQuota: String(rules.recommendationQuota),
    quotas: Object.fromEntries(CITIES.map((c) => [c.name, countText(rules.recommendationQuotas[c.name] ?? null)])),
    sameCityConflict: rules.sameCityConflict ? "1" : "0",
    safetyGate: rules.safetyGate ? "1" : "0",
    votePercent: String(Math.round(rules.publicVoteWeight * 10000) / 100),
    noticeDays: String(rules.noticeDays),
    timeRules: {
      enabled: time ? "1" : "0",
      ...Object.fromEntries(TIME_DURATIONS.map((name) => [name, minutesAndSeconds(time?.[name])])),
      graceSeconds: time ? String(time.graceSeconds) : "",
      underPenalty: time ? String(time.underPenalty) : "",
      overPenalty: time ? String(time.overPenalty) : "",
    },
    deductions: deductions.map((d) => ({
      key: d.key,
      label: d.label,
      max: String(d.max),
      step: d.step === undefined ? "" : String(d.step),
    })),
  };
}

/** Whether a field posted as a checkbox (hidden "0" then "1") or stored as "1" is on. */
export function isOn(value: unknown): boolean {
  return lastValue(value) === "1";
}
