import type { Knex } from "knex";
import { recordAudit, settingChanges } from "../audit/audit.service.js";
import type { SessionUser } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import { NotFoundError, StageError, ValidationError } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import * as q from "./contests.queries.js";
import type { ContestRow } from "./contests.queries.js";
import type { CreateContestBody, UpdateContestBody } from "./contests.schemas.js";
import {
  allows,
  checkTransition,
  isPublicStage,
  onEntering,
  STAGES,
  type Stage,
  type StageAction,
  type StageEntry,
} from "./lifecycle.js";
import { DEFAULT_PRIZES, prizeSharesExceedOne, type PrizeSettings } from "./prizes.js";
import { assertValidRubric, defaultRubric } from "./rubric.js";
import { defaultRules, fileRolesOf, mergeRules, type ContestRules } from "./rules.js";

export type Contest = Omit<ContestRow, "createdBy">;

export function contestJson(row: ContestRow): Contest {
  const { createdBy: _createdBy, ...rest } = row;
  return rest;
}

/** Each setting's group in the stage policy: once judging starts the rubric is fixed, and so on. */
const SETTING_ACTION: Record<keyof UpdateContestBody, StageAction> = {
  title: "editDetails",
  description: "editDetails",
  opensAt: "editSchedule",
  closesAt: "editSchedule",
  rules: "editRules",
  rubric: "editRules",
  judgesPerEntry: "editRules",
  aggregation: "editScoring",
  prizes: "editScoring",
  noticeEndsAt: "extendNotice",
};

function instant(value: string): string {
  return new Date(value).toISOString();
}

function assertDates(opensAt: string, closesAt: string): void {
  if (Date.parse(closesAt) <= Date.parse(opensAt)) {
    throw new ValidationError("errors.closesBeforeOpens", {}, { fields: [{ field: "closesAt" }] }, "invalid_dates");
  }
}

function assertPrizes(prizes: PrizeSettings): void {
  if (prizeSharesExceedOne(prizes))
    throw new ValidationError("errors.prizeSharesOverOne", {}, { field: "prizes" }, "invalid_prizes");
}

function assertRules(kind: ContestRow["kind"], rules: ContestRules): void {
  const allowed = fileRolesOf(kind);
  const unknown = Object.keys(rules.files).filter((role) => !allowed.includes(role));
  if (unknown.length > 0) {
    throw new ValidationError(
      "errors.unknownFileRole",
      { roles: unknown, allowed },
      { field: "rules.files" },
      "invalid_rules",
    );
  }
  for (const [role, rule] of Object.entries(rules.files)) {
    if (rule.minSeconds !== undefined && rule.maxSeconds !== undefined && rule.minSeconds > rule.maxSeconds) {
      throw new ValidationError(
        "errors.fileRuleDurations",
        { role },
        { field: `rules.files.${role}` },
        "invalid_rules",
      );
    }
  }
}

export async function createContest(ctx: AppContext, actor: SessionUser, body: CreateContestBody): Promise<Contest> {
  const opensAt = instant(body.opensAt);
  const closesAt = instant(body.closesAt);
  assertDates(opensAt, closesAt);
  const rubric = body.rubric ?? defaultRubric(body.kind);
  assertValidRubric(rubric);
  const prizes = body.prizes ?? structuredClone(DEFAULT_PRIZES);
  assertPrizes(prizes);
  const rules = mergeRules(defaultRules(body.kind), body.rules ?? {});
  assertRules(body.kind, rules);
  const now = ctx.clock.now().toISOString();
  const contest: ContestRow = {
    id: newId(),
    kind: body.kind,
    title: body.title.trim(),
    description: body.description ?? "",
    stage: STAGES[0], // every contest starts as a draft (lifecycle)
    opensAt,
    closesAt,
    noticeEndsAt: null,
    judgesPerEntry: body.judgesPerEntry ?? 5,
    rubric: { criteria: rubric.criteria, deductions: rubric.deductions ?? [] },
    rules,
    prizes,
    aggregation: body.aggregation ?? "trimmed",
    createdBy: actor.id,
    createdAt: now,
    updatedAt: now,
  };
  await ctx.db.transaction(async (trx) => {
    await q.insertContest(trx, contest);
    await recordAudit(trx, ctx.clock, {
      actorId: actor.id,
      action: "contest.create",
      targetType: "contest",
      targetId: contest.id,
      details: { kind: contest.kind, title: contest.title },
    });
  });
  return contestJson(contest);
}

/** Organizers see every contest; everyone else sees contests past the draft. */
export function canSee(user: SessionUser | null, contest: Pick<ContestRow, "stage">): boolean {
  return user?.role === "organizer" || isPublicStage(contest.stage);
}

export async function listContests(
  ctx: AppContext,
  user: SessionUser | null,
  filter: { stages?: readonly Stage[] } = {},
): Promise<Contest[]> {
  const visible = user?.role === "organizer" ? STAGES : STAGES.filter(isPublicStage);
  const stages = filter.stages ? visible.filter((s) => filter.stages!.includes(s)) : visible;
  return (await q.listContests(ctx.db, { stages })).map(contestJson);
}

export async function getContest(ctx: AppContext, user: SessionUser | null, id: string): Promise<Contest> {
  const contest = await q.findContest(ctx.db, id);
  if (!contest || !canSee(user, contest)) throw new NotFoundError("errors.contestNotFound");
  return contestJson(contest);
}

export async function updateContest(
  ctx: AppContext,
  actor: SessionUser,
  id: string,
  body: UpdateContestBody,
): Promise<Contest> {
  return ctx.db.transaction(async (trx) => {
    const contest = await q.findContest(trx, id);
    if (!contest) throw new NotFoundError("errors.contestNotFound");
    const locked = (Object.keys(body) as (keyof UpdateContestBody)[]).filter(
      (field) => !allows(contest.stage, SETTING_ACTION[field]),
    );
    if (locked.length > 0) {
      throw new StageError(
        "errors.settingLocked",
        { fields: locked, stage: contest.stage },
        { locked, stage: contest.stage },
      );
    }
    const changes: Partial<ContestRow> = {};
    if (body.title !== undefined) changes.title = body.title.trim();
    if (body.description !== undefined) changes.description = body.description;
    if (body.opensAt !== undefined) changes.opensAt = instant(body.opensAt);
    if (body.closesAt !== undefined) changes.closesAt = instant(body.closesAt);
    if (body.opensAt !== undefined || body.closesAt !== undefined)
      assertDates(changes.opensAt ?? contest.opensAt, changes.closesAt ?? contest.closesAt);
    if (body.noticeEndsAt !== undefined) changes.noticeEndsAt = instant(body.noticeEndsAt);
    if (body.judgesPerEntry !== undefined) changes.judgesPerEntry = body.judgesPerEntry;
    if (body.rubric !== undefined) {
      assertValidRubric(body.rubric);
      changes.rubric = { criteria: body.rubric.criteria, deductions: body.rubric.deductions ?? [] };
    }
    if (body.aggregation !== undefined) changes.aggregation = body.aggregation;
    if (body.prizes !== undefined) {
      assertPrizes(body.prizes);
      changes.prizes = body.prizes;
    }
    if (body.rules !== undefined) {
      changes.rules = mergeRules(contest.rules, body.rules);
      assertRules(contest.kind, changes.rules);
    }
    changes.updatedAt = ctx.clock.now().toISOString();
    await q.updateContest(trx, id, changes);
    await recordAudit(trx, ctx.clock, {
      actorId: actor.id,
      action: "contest.update",
      targetType: "contest",
      targetId: id,
      details: { changes: settingChanges(contest, changes, Object.keys(body)) },
    });
    return contestJson((await q.findContest(trx, id))!);
  });
}

const TRANSITION_MESSAGES = {
  same: "errors.stageSame",
  skip: "errors.stageSkip",
  afterNotice: "errors.stageBackAfterNotice",
} as const;

/**
 * Moves a contest one stage on (or back, before the notice). Closing early ends submissions at once;
 * the notice opens its objection window of `noticeDays`. The move with every domain's effects is
 * stages/stages.service.ts.
 */
export async function moveStage(
  ctx: AppContext,
  actor: SessionUser,
  id: string,
  to: Stage,
  /** What other domains must do in the same transaction (results snapshots); throwing refuses the move. */
  beforeCommit?: (trx: Knex, contest: Contest, entering: StageEntry) => Promise<void>,
): Promise<Contest> {
  return ctx.db.transaction(async (trx) => {
    const contest = await q.findContest(trx, id);
    if (!contest) throw new NotFoundError("errors.contestNotFound");
    const check = checkTransition(contest.stage, to);
    if (!check.ok) {
      throw new StageError(TRANSITION_MESSAGES[check.reason], { from: contest.stage, to }, { from: contest.stage, to });
    }
    const now = ctx.clock.now();
    const entering = onEntering(to, check.direction);
    const changes: Partial<ContestRow> = { stage: to, updatedAt: now.toISOString() };
    if (entering.endsSubmissions && Date.parse(contest.closesAt) > now.getTime()) {
      changes.closesAt = now.toISOString();
    }
    if (entering.opensNotice) {
      changes.noticeEndsAt = new Date(now.getTime() + contest.rules.noticeDays * 86_400_000).toISOString();
    }
    await q.updateContest(trx, id, changes);
    await recordAudit(trx, ctx.clock, {
      actorId: actor.id,
      action: "contest.stage",
      targetType: "contest",
      targetId: id,
      details: { from: contest.stage, to, ...(changes.closesAt ? { closesAt: changes.closesAt } : {}) },
    });
    const moved = contestJson((await q.findContest(trx, id))!);
    if (beforeCommit) await beforeCommit(trx, moved, entering);
    return moved;
  });
}
