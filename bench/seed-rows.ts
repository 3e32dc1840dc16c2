// Rows shaped as the migrations make them, for the benches that seed a database directly (thousands
// of rows in batches, where going through the API would take longer than the measurement).
import type { Rubric } from "../src/contests/rubric.js";

export function userRow(id: string, role: string, now: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    email: `${id}@bench.local`,
    password_hash: "x",
    name: id,
    role,
    city: "石家庄",
    unit: `单位-${id}`,
    expertise: "[]",
    avoid_units: "[]",
    disabled: false,
    created_at: now,
    updated_at: now,
    ...overrides,
  };
}

/** A video contest with `rubric`, trimmed-mean aggregation and ratio prizes; `overrides` set the rest. */
export function contestRow(id: string, rubric: Rubric, now: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    kind: "video",
    title: "基准",
    description: "",
    stage: "judging",
    opens_at: "2026-01-01T00:00:00.000Z",
    closes_at: "2026-02-01T00:00:00.000Z",
    notice_ends_at: null,
    judges_per_entry: 5,
    rubric: JSON.stringify(rubric),
    rules: JSON.stringify({
      files: {},
      maxEntriesPerAuthor: null,
      maxEntriesPerUnit: null,
      requiresRecommendation: false,
      recommendationQuota: 5,
      sameCityConflict: false,
      publicVoteWeight: 0,
      noticeDays: 7,
      safetyGate: false,
      teamMax: null,
      timeRules: null,
    }),
    prizes: JSON.stringify({ mode: "ratio", first: 0.1, second: 0.2, third: 0.3 }),
    aggregation: "trimmed",
    created_by: "organizer",
    created_at: now,
    updated_at: now,
    ...overrides,
  };
}

/** An open first round on the contest's own settings. */
export function roundRow(id: string, contestId: string, now: string) {
  return {
    id,
    contest_id: contestId,
    number: 1,
    name: "初评",
    rubric: null,
    aggregation: null,
    judges_per_entry: null,
    status: "open",
    created_at: now,
  };
}

/** The `i`-th submitted entry (0-based) of a contest, owned by "owner". */
export function entryRow(
  id: string,
  contestId: string,
  i: number,
  now: string,
  overrides: Record<string, unknown> = {},
) {
  return {
    id,
    contest_id: contestId,
    seq: i + 1,
    code: `SP-2026-${String(i + 1).padStart(6, "0")}`,
    owner_id: "owner",
    title: `作品 ${i + 1}`,
    summary: "",
    category: "科普行动",
    city: "石家庄",
    unit: "",
    authors: "[]",
    first_author_key: `a${i}`,
    unit_key: "",
    status: "submitted",
    status_reason: null,
    recommended_at: null,
    recommended_by: null,
    talk_seconds: null,
    safety_failed: false,
    created_at: now,
    updated_at: now,
    ...overrides,
  };
}
