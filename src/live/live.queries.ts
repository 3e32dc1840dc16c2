import type { Knex } from "knex";
import { dialectOf, parseJson, toBool } from "../db/dialect.js";
import type { Segment } from "./live.schemas.js";

/** The live final's tables (migrations/20261204100000_create-live-finals.ts); knex only. */

export type LiveStatus = "running" | "finished";
export type SlotStatus = "waiting" | "current" | "done" | "withdrawn";

export interface LiveFinalRow {
  roundId: string;
  contestId: string;
  status: LiveStatus;
  segments: Segment[];
  seed: string;
  currentEntryId: string | null;
  currentSegment: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

function finalFromRow(row: Record<string, unknown>): LiveFinalRow {
  return {
    roundId: String(row.round_id),
    contestId: String(row.contest_id),
    status: row.status as LiveStatus,
    segments: parseJson<Segment[]>(row.segments, []),
    seed: String(row.seed),
    currentEntryId: (row.current_entry_id as string | null) ?? null,
    currentSegment: (row.current_segment as string | null) ?? null,
    version: Number(row.version),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

/** The contest's live final: that of its latest round run live. */
export async function liveFinalOfContest(db: Knex, contestId: string): Promise<LiveFinalRow | null> {
  const row = await db<Record<string, unknown>>("live_finals")
    .where({ contest_id: contestId })
    .orderBy([{ column: "created_at", order: "desc" }, { column: "round_id" }])
    .first();
  return row ? finalFromRow(row) : null;
}

export async function liveFinalOfRound(db: Knex, roundId: string): Promise<LiveFinalRow | null> {
  const row = await db<Record<string, unknown>>("live_finals").where({ round_id: roundId }).first();
  return row ? finalFromRow(row) : null;
}

/** Locks the live final's row for a change (PostgreSQL; SQLite's writer lock already serializes). */
export async function lockLiveFinal(db: Knex, roundId: string): Promise<LiveFinalRow | null> {
  const query = db<Record<string, unknown>>("live_finals").where({ round_id: roundId });
  const row = await (dialectOf(db) === "pg" ? query.forUpdate() : query).first();
  return row ? finalFromRow(row) : null;
}

export async function insertLiveFinal(db: Knex, final: LiveFinalRow): Promise<void> {
  await db("live_finals").insert({
    round_id: final.roundId,
    contest_id: final.contestId,
    status: final.status,
    segments: JSON.stringify(final.segments),
    seed: final.seed,
    current_entry_id: final.currentEntryId,
    current_segment: final.currentSegment,
    version: final.version,
    created_at: final.createdAt,
    updated_at: final.updatedAt,
  });
}

/** A change to the live final: bumps its version in the same transaction, as every change does. */
export async function updateLiveFinal(
  db: Knex,
  roundId: string,
  changes: Partial<Pick<LiveFinalRow, "status" | "currentEntryId" | "currentSegment">>,
  now: string,
): Promise<void> {
  const row: Record<string, unknown> = { updated_at: now, version: db.raw("version + 1") };
  if (changes.status !== undefined) row.status = changes.status;
  if (changes.currentEntryId !== undefined) row.current_entry_id = changes.currentEntryId;
  if (changes.currentSegment !== undefined) row.current_segment = changes.currentSegment;
  await db("live_finals").where({ round_id: roundId }).update(row);
}

export interface SlotRow {
  entryId: string;
  position: number;
  status: SlotStatus;
  noShows: number;
  code: string;
  title: string;
  /** The entry's first author: who is on stage. */
  performer: string;
  /** Withdrawn or disqualified entries and those failing the safety gate are not ranked. */
  rankable: boolean;
  /** The experiment show's safety gate, checked on site: failed means not ranked. */
  safetyFailed: boolean;
  /** What decides a judge's conflict of interest with the entry (judging/conflicts.ts). */
  ownerId: string;
  unit: string;
  city: string;
  authors: { name: string }[];
}

/** The running order, with what every surface shows of each finalist. */
export async function slotsOf(db: Knex, roundId: string): Promise<SlotRow[]> {
  const rows: Record<string, unknown>[] = await db("live_slots as s")
    .join("entries as e", "e.id", "s.entry_id")
    .where("s.round_id", roundId)
    .orderBy("s.position")
    .select(
      "s.entry_id",
      "s.position",
      "s.status",
      "s.no_shows",
      "e.code",
      "e.title",
      "e.authors",
      "e.owner_id",
      "e.unit",
      "e.city",
      { entry_status: "e.status", safety_failed: "e.safety_failed" },
    );
  return rows.map((row) => {
    const status = row.status as SlotStatus;
    const authors = parseJson<{ name: string }[]>(row.authors, []);
    return {
      entryId: String(row.entry_id),
      position: Number(row.position),
      status,
      noShows: Number(row.no_shows),
      code: String(row.code),
      title: String(row.title),
      performer: authors[0]?.name ?? "",
      rankable: status !== "withdrawn" && row.entry_status === "submitted" && !toBool(row.safety_failed),
      safetyFailed: toBool(row.safety_failed),
      ownerId: String(row.owner_id),
      unit: String(row.unit),
      city: String(row.city),
      authors,
    };
  });
}

export async function insertSlots(
  db: Knex,
  roundId: string,
  slots: { entryId: string; position: number; status: SlotStatus }[],
): Promise<void> {
  if (slots.length === 0) return;
  await db("live_slots").insert(
    slots.map((s) => ({ round_id: roundId, entry_id: s.entryId, position: s.position, status: s.status, no_shows: 0 })),
  );
}

export async function updateSlot(
  db: Knex,
  roundId: string,
  entryId: string,
  changes: { status?: SlotStatus; position?: number; noShow?: true },
): Promise<void> {
  const row: Record<string, unknown> = {};
  if (changes.status !== undefined) row.status = changes.status;
  if (changes.position !== undefined) row.position = changes.position;
  if (changes.noShow) row.no_shows = db.raw("no_shows + 1");
  await db("live_slots").where({ round_id: roundId, entry_id: entryId }).update(row);
}

export interface TimingRow {
  entryId: string;
  segment: string;
  startedAt: string;
  stoppedAt: string | null;
  seconds: number | null;
}

export async function timingsOf(db: Knex, roundId: string): Promise<TimingRow[]> {
  const rows: Record<string, unknown>[] = await db("live_timings")
    .where({ round_id: roundId })
    .select("entry_id", "segment", "started_at", "stopped_at", "seconds");
  return rows.map((row) => ({
    entryId: String(row.entry_id),
    segment: String(row.segment),
    startedAt: String(row.started_at),
    stoppedAt: (row.stopped_at as string | null) ?? null,
    seconds: row.seconds === null || row.seconds === undefined ? null : Number(row.seconds),
  }));
}

export async function saveTiming(db: Knex, roundId: string, timing: TimingRow, exists: boolean): Promise<void> {
  const row = { started_at: timing.startedAt, stopped_at: timing.stoppedAt, seconds: timing.seconds };
  const key = { round_id: roundId, entry_id: timing.entryId, segment: timing.segment };
  if (exists) await db("live_timings").where(key).update(row);
  else await db("live_timings").insert({ ...key, ...row });
}

export interface LiveSheetRow {
  id: string;
  entryId: string;
  segment: string;
  judgeId: string;
  status: "draft" | "submitted";
  scores: Record<string, number>;
  total: number | null;
  comment: string | null;
  submittedAt: string | null;
  corrections: number;
  correctionReason: string | null;
  createdAt: string;
  updatedAt: string;
}

function sheetFromRow(row: Record<string, unknown>): LiveSheetRow {
  return {
    id: String(row.id),
    entryId: String(row.entry_id),
    segment: String(row.segment),
    judgeId: String(row.judge_id),
    status: row.status as LiveSheetRow["status"],
    scores: parseJson<Record<string, number>>(row.scores, {}),
    total: row.total === null || row.total === undefined ? null : Number(row.total),
    comment: (row.comment as string | null) ?? null,
    submittedAt: (row.submitted_at as string | null) ?? null,
    corrections: Number(row.corrections),
    correctionReason: (row.correction_reason as string | null) ?? null,
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

/** Every sheet of the live final (drafts too), in a stable order. */
export async function sheetsOf(db: Knex, roundId: string): Promise<LiveSheetRow[]> {
  const rows = await db<Record<string, unknown>>("live_sheets")
    .where({ round_id: roundId })
    .orderBy(["entry_id", "segment", "judge_id"]);
  return rows.map(sheetFromRow);
}

export async function sheetOf(
  db: Knex,
  roundId: string,
  entryId: string,
  segment: string,
  judgeId: string,
): Promise<LiveSheetRow | null> {
  const row = await db<Record<string, unknown>>("live_sheets")
    .where({ round_id: roundId, entry_id: entryId, segment, judge_id: judgeId })
    .first();
  return row ? sheetFromRow(row) : null;
}

export async function saveSheet(db: Knex, roundId: string, sheet: LiveSheetRow, exists: boolean): Promise<void> {
  const row = {
    status: sheet.status,
    scores: JSON.stringify(sheet.scores),
    total: sheet.total,
    comment: sheet.comment,
    submitted_at: sheet.submittedAt,
    corrections: sheet.corrections,
    correction_reason: sheet.correctionReason,
    updated_at: sheet.updatedAt,
  };
  if (exists) await db("live_sheets").where({ id: sheet.id }).update(row);
  else
    await db("live_sheets").insert({
      ...row,
      id: sheet.id,
      round_id: roundId,
      entry_id: sheet.entryId,
      segment: sheet.segment,
      judge_id: sheet.judgeId,
      created_at: sheet.createdAt,
    });
}

/** Whether the finalist has been timed or scored in any segment (a no-show has neither). */
export async function hasStarted(db: Knex, roundId: string, entryId: string): Promise<boolean> {
  const key = { round_id: roundId, entry_id: entryId };
  if (await db<Record<string, unknown>>("live_timings").where(key).first("entry_id")) return true;
  return Boolean(await db<Record<string, unknown>>("live_sheets").where(key).first("id"));
}

export interface PanelJudgeRow {
  judgeId: string;
  name: string;
  unit: string | null;
  city: string | null;
  avoidUnits: string[];
  /** The entries he declared a conflict with (回避). */
  declared: string[];
}

/**
 * The round's panel (active judges), numbered as 评委1…n in this order: the order of their first
 * assignment in the contest (as snapshots number judges), then by user id (the pool keeps no order).
 */
export async function panelOf(db: Knex, contestId: string, roundId: string): Promise<PanelJudgeRow[]> {
  const first = db("assignments as a")
    .join("rounds as r", "r.id", "a.round_id")
    .where("r.contest_id", contestId)
    .whereRaw("a.judge_id = rj.judge_id")
    .min("a.created_at");
  const rows: Record<string, unknown>[] = await db("round_judges as rj")
    .join("users as u", "u.id", "rj.judge_id")
    .where("rj.round_id", roundId)
    .where("u.role", "judge")
    .select("rj.judge_id", "u.name", "u.disabled", "u.unit", "u.city", "u.avoid_units", { first });
  // Judges never assigned (null) come after the others, on both databases.
  const key = (row: Record<string, unknown>) => [
    row.first === null ? 1 : 0,
    (row.first as string | null) ?? "",
    String(row.judge_id),
  ];
  const active = rows.filter((row) => !toBool(row.disabled));
  const declared: Record<string, unknown>[] = active.length
    ? await db("declared_conflicts")
        .whereIn(
          "judge_id",
          active.map((row) => String(row.judge_id)),
        )
        .select("judge_id", "entry_id")
    : [];
  return active
    .sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
      return 0;
    })
    .map((row) => ({
      judgeId: String(row.judge_id),
      name: String(row.name),
      unit: (row.unit as string | null) ?? null,
      city: (row.city as string | null) ?? null,
      avoidUnits: parseJson<string[]>(row.avoid_units, []),
      declared: declared.filter((d) => d.judge_id === row.judge_id).map((d) => String(d.entry_id)),
    }));
}

export interface TopicRow {
  id: string;
  text: string;
}

/** The contest's topics not drawn yet, in bank order. */
export async function undrawnTopics(db: Knex, contestId: string): Promise<TopicRow[]> {
  return db("live_topics")
    .where({ contest_id: contestId })
    .whereNull("drawn_entry_id")
    .orderBy(["position", "id"])
    .select("id", "text");
}

export async function markTopicDrawn(db: Knex, topicId: string, roundId: string, entryId: string): Promise<void> {
  await db("live_topics").where({ id: topicId }).update({ drawn_round_id: roundId, drawn_entry_id: entryId });
}

/** The topic a finalist drew in this round, if any. */
export async function drawnTopic(db: Knex, roundId: string, entryId: string): Promise<string | null> {
  const row = await db<Record<string, unknown>>("live_topics")
    .where({ drawn_round_id: roundId, drawn_entry_id: entryId })
    .first("text");
  return row ? String(row.text) : null;
}

/** The running live finals whose panel includes this judge, with their contest's title (the judge's way in). */
export async function runningFinalsOfJudge(db: Knex, judgeId: string): Promise<{ contestId: string; title: string }[]> {
  const rows: { contest_id: string; title: string }[] = await db("live_finals as lf")
    .join("round_judges as rj", "rj.round_id", "lf.round_id")
    .join("contests as c", "c.id", "lf.contest_id")
    .where({ "rj.judge_id": judgeId, "lf.status": "running" })
    .orderBy("lf.created_at")
    .select("lf.contest_id", "c.title");
  return rows.map((row) => ({ contestId: row.contest_id, title: row.title }));
}
