import type { Knex } from "knex";
import { parseJson } from "../db/dialect.js";
import type { Aggregation } from "./contests.schemas.js";
import type { Stage } from "./lifecycle.js";
import type { PrizeSettings } from "./prizes.js";
import type { ContestKind, Rubric } from "./rubric.js";
import type { ContestRules } from "./rules.js";

export interface ContestRow {
  id: string;
  kind: ContestKind;
  title: string;
  description: string;
  stage: Stage;
  opensAt: string;
  closesAt: string;
  /** When the notice (公示) began; with noticeEndsAt, its objection window. */
  noticeStartsAt: string | null;
  noticeEndsAt: string | null;
  judgesPerEntry: number;
  rubric: Rubric;
  rules: ContestRules;
  prizes: PrizeSettings;
  aggregation: Aggregation;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

function fromRow(row: Record<string, unknown>): ContestRow {
  return {
    id: String(row.id),
    kind: row.kind as ContestKind,
    title: String(row.title),
    description: (row.description as string | null) ?? "",
    stage: row.stage as Stage,
    opensAt: String(row.opens_at),
    closesAt: String(row.closes_at),
    noticeStartsAt: (row.notice_starts_at as string | null) ?? null,
    noticeEndsAt: (row.notice_ends_at as string | null) ?? null,
    judgesPerEntry: Number(row.judges_per_entry),
    rubric: parseJson<Rubric>(row.rubric, { criteria: [] }),
    rules: withQuotaMap(parseJson<ContestRules>(row.rules, {} as ContestRules)),
    prizes: parseJson<PrizeSettings>(row.prizes, {} as PrizeSettings),
    aggregation: row.aggregation as Aggregation,
    createdBy: (row.created_by as string | null) ?? null,
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

function toRow(contest: Partial<ContestRow>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  if (contest.id !== undefined) row.id = contest.id;
  if (contest.kind !== undefined) row.kind = contest.kind;
  if (contest.title !== undefined) row.title = contest.title;
  if (contest.description !== undefined) row.description = contest.description;
  if (contest.stage !== undefined) row.stage = contest.stage;
  if (contest.opensAt !== undefined) row.opens_at = contest.opensAt;
  if (contest.closesAt !== undefined) row.closes_at = contest.closesAt;
  if (contest.noticeStartsAt !== undefined) row.notice_starts_at = contest.noticeStartsAt;
  if (contest.noticeEndsAt !== undefined) row.notice_ends_at = contest.noticeEndsAt;
  if (contest.judgesPerEntry !== undefined) row.judges_per_entry = contest.judgesPerEntry;
  if (contest.rubric !== undefined) row.rubric = JSON.stringify(contest.rubric);
  if (contest.rules !== undefined) row.rules = JSON.stringify(contest.rules);
  if (contest.prizes !== undefined) row.prizes = JSON.stringify(contest.prizes);
  if (contest.aggregation !== undefined) row.aggregation = contest.aggregation;
  if (contest.createdBy !== undefined) row.created_by = contest.createdBy;
  if (contest.createdAt !== undefined) row.created_at = contest.createdAt;
  if (contest.updatedAt !== undefined) row.updated_at = contest.updatedAt;
  return row;
}

export async function insertContest(db: Knex, contest: ContestRow): Promise<void> {
  await db("contests").insert(toRow(contest));
}

export async function findContest(db: Knex, id: string): Promise<ContestRow | null> {
  const row = await db<Record<string, unknown>>("contests").where({ id }).first();
  return row ? fromRow(row) : null;
}

export async function listContests(db: Knex, filter: { stages?: readonly Stage[] }): Promise<ContestRow[]> {
  const query = db("contests").orderBy("opens_at", "desc").orderBy("created_at", "desc");
  if (filter.stages) query.whereIn("stage", filter.stages as Stage[]);
  return (await query).map(fromRow);
}

export async function updateContest(db: Knex, id: string, changes: Partial<ContestRow>): Promise<void> {
  await db("contests").where({ id }).update(toRow(changes));
}

/** Rules stored before per-city quotas existed have no map: every city then has the common quota. */
function withQuotaMap(rules: ContestRules): ContestRules {
  return { ...rules, recommendationQuotas: rules.recommendationQuotas ?? {} };
}
