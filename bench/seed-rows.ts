// Rows shaped as the migrations make them, for the benches that seed a database directly (thousands
// of rows in batches, where going through the API would take longer than the measurement).
import { issueToken, type SessionUser, type UserRow } from "../src/accounts/accounts.service.js";
import type { AppContext } from "../src/context.js";
import type { Rubric } from "../src/contests/rubric.js";
import type { Db } from "../src/db/knex.js";

/** The "organizer" user's session, for the services a bench calls in-process. */
export const BENCH_ORGANIZER: SessionUser = {
  id: "organizer",
  email: "organizer@bench.local",
  name: "organizer",
  role: "organizer",
  city: null,
  unit: null,
  expertise: [],
  mustChangePassword: false,
};

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

/**
 * Users "organizer", "owner" (a contestant) and `judgeIds`; contest "contest" in judging (`contest`
 * overrides its row) with its open round "round-1" and `entries` submitted entries e0, e1, …
 */
export async function seedContest(
  db: Db,
  now: string,
  options: { judgeIds: string[]; rubric: Rubric; contest?: Record<string, unknown>; entries: number },
): Promise<ReturnType<typeof entryRow>[]> {
  await db.batchInsert(
    "users",
    [
      userRow("organizer", "organizer", now),
      userRow("owner", "contestant", now),
      ...options.judgeIds.map((id) => userRow(id, "judge", now)),
    ],
    200,
  );
  await db("contests").insert(contestRow("contest", options.rubric, now, options.contest));
  await db("rounds").insert(roundRow("round-1", "contest", now));
  const entries = Array.from({ length: options.entries }, (_, i) => entryRow(`e${i}`, "contest", i, now));
  await db.batchInsert("entries", entries, 500);
  return entries;
}

/** The judges accept contest "contest"'s declaration; answers a bearer token for each. */
export async function acceptedJudgeTokens(ctx: AppContext, judgeIds: string[], now: string): Promise<string[]> {
  await ctx.db.batchInsert(
    "judge_declarations",
    judgeIds.map((judge_id) => ({ contest_id: "contest", judge_id, accepted_at: now })),
    200,
  );
  const tokens = [];
  for (const id of judgeIds) tokens.push(await issueToken(ctx, { id } as UserRow));
  return tokens;
}
