/**
 * The live final's forms as typed ↔ what the services take: the setup page's segments (each with its
 * rubric rows) and nested fields flattened back to the names a form posts them under.
 */
import type { Segment } from "./live.service.js";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A list posted as `name[0]…`: an array, or an object by index once it has gaps or many items. */
function listOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (!isRecord(value)) return [];
  return Object.keys(value)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => value[k]);
}

const textOf = (value: unknown) => (typeof value === "string" ? value.trim() : "");

/** A typed number as a number; empty → undefined; anything else as typed, for the schema to refuse. */
function numberOf(value: unknown): unknown {
  const s = textOf(value);
  if (s === "") return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : s;
}

/** One segment as the setup form shows it: every value a string, as typed or as the defaults say. */
export interface SegmentRow {
  key: string;
  label: string;
  weight: string;
  seconds: string;
  criteria: { key: string; label: string; max: string; step: string }[];
}

export function segmentRows(segments: readonly Segment[]): SegmentRow[] {
  return segments.map((s) => ({
    key: s.key,
    label: s.label,
    weight: String(s.weight),
    seconds: s.seconds === undefined ? "" : String(s.seconds),
    criteria: s.rubric.criteria.map((c) => ({ key: c.key, label: c.label, max: String(c.max), step: String(c.step) })),
  }));
}

/** The segments as typed in the form (`segments[i][key]`, `segments[i][criteria][j][max]`…), kept as strings. */
export function typedSegmentRows(fields: Record<string, unknown>): SegmentRow[] {
  return listOf(fields.segments).map((s) => {
    const row = isRecord(s) ? s : {};
    return {
      key: textOf(row.key),
      label: textOf(row.label),
      weight: textOf(row.weight),
      seconds: textOf(row.seconds),
      criteria: listOf(row.criteria).map((c) => {
        const crit = isRecord(c) ? c : {};
        return { key: textOf(crit.key), label: textOf(crit.label), max: textOf(crit.max), step: textOf(crit.step) };
      }),
    };
  });
}

/** The typed rows → the body's `segments`, for startLive's schema to check (numbers as numbers, an empty limit left out). */
export function segmentsBody(rows: readonly SegmentRow[]): unknown[] {
  return rows.map((r) => {
    const segment: Record<string, unknown> = {
      key: r.key,
      label: r.label,
      weight: numberOf(r.weight),
      rubric: {
        criteria: r.criteria.map((c) => ({ key: c.key, label: c.label, max: numberOf(c.max), step: numberOf(c.step) })),
      },
    };
    const seconds = numberOf(r.seconds);
    if (seconds !== undefined) segment.seconds = seconds;
    return segment;
  });
}

/**
 * Nested form fields (`{scores: {a: "3"}}`) as the flat names a form posts (`scores[a]` = "3"), so a
 * confirmation page (src/http/confirm.ts) can post them again as hidden fields.
 */
export function flatFields(fields: Record<string, unknown>, prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    if (isRecord(value) || (Array.isArray(value) && value.some((v) => typeof v === "object")))
      Object.assign(out, flatFields({ ...(value as Record<string, unknown>) }, name));
    else out[name] = value;
  }
  return out;
}
