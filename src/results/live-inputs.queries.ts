// What the results read of a round run live (tables of migrations/20261204100000_create-live-finals.ts).
import type { Knex } from "knex";
import { parseJson, toNumber } from "../db/dialect.js";
import type { Rubric } from "../contests/rubric.js";

/** A segment as the live final stores it (live_finals.segments). */
export interface StoredSegment {
  key: string;
  label: string;
  weight: number;
  rubric: Rubric;
  seconds?: number | null;
}

/** The round's live final's segments, or null when the round is not run live. */
export async function liveSegmentsOf(db: Knex, roundId: string): Promise<StoredSegment[] | null> {
  const row: { segments: unknown } | undefined = await db("live_finals").where({ round_id: roundId }).first("segments");
  return row ? parseJson<StoredSegment[]>(row.segments, []) : null;
}

export interface LiveSheetRow {
  entryId: string;
  segment: string;
  judgeId: string;
  total: number;
  /** As stored: criterion (and deduction) key → points. */
  scores: Record<string, number>;
}

/** The round's submitted live sheets, by entry, segment and judge. */
export async function submittedLiveSheets(db: Knex, roundId: string): Promise<LiveSheetRow[]> {
  const rows: Record<string, unknown>[] = await db("live_sheets")
    .where({ round_id: roundId, status: "submitted" })
    .whereNotNull("total")
    .orderBy(["entry_id", "segment", "judge_id"])
    .select("entry_id", "segment", "judge_id", "total", "scores");
  return rows.map((row) => ({
    entryId: String(row.entry_id),
    segment: String(row.segment),
    judgeId: String(row.judge_id),
    total: toNumber(row.total),
    scores: parseJson<Record<string, number> | null>(row.scores, null) ?? {},
  }));
}

/** The measured times of the round's segments. */
export async function liveSeconds(
  db: Knex,
  roundId: string,
): Promise<{ entryId: string; segment: string; seconds: number }[]> {
  const rows: Record<string, unknown>[] = await db("live_timings")
    .where({ round_id: roundId })
    .whereNotNull("seconds")
    .select("entry_id", "segment", "seconds");
  return rows.map((r) => ({ entryId: String(r.entry_id), segment: String(r.segment), seconds: toNumber(r.seconds) }));
}

/** Finalists withdrawn on site. */
export async function withdrawnFinalists(db: Knex, roundId: string): Promise<string[]> {
  return db("live_slots").where({ round_id: roundId, status: "withdrawn" }).pluck("entry_id");
}
