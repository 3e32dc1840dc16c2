import type { Knex } from "knex";
import { recordAudit } from "../audit/audit.service.js";
import type { SessionUser } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import { ConflictError, NotFoundError, StageError, ValidationError } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import * as q from "./contests.queries.js";
import type { ContestRow } from "./contests.queries.js";
import type { CreateContestBody, UpdateContestBody } from "./contests.schemas.js";
import { checkTransition, isPublicStage, onEntering, STAGES, type Stage, type StageEntry } from "./lifecycle.js";
import { DEFAULT_PRIZES, extrasProblem, prizeSharesExceedOne, type PrizeSettings } from "./prizes.js";
import { assertValidRubric, defaultRubric } from "./rubric.js";
import { defaultRules, fileRolesOf, mergeRules, type ContestRules } from "./rules.js";
import { lockedSettings, settingChanges } from "./settings.js";

export type Contest = Omit<ContestRow, "createdBy">;

export function contestJson(row: ContestRow): Contest {
  const { createdBy: _createdBy, ...rest } = row;
  return rest;
}

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
  const problem = extrasProblem(prizes);
  if (problem)
    throw new ValidationError(problem.messageKey, problem.params, { field: problem.field }, "invalid_prizes");
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
  const time = rules.timeRules;
  if (time && time.minSeconds > time.targetSeconds) {
    throw new ValidationError(
      "errors.timeRulesOrder",
      {},
      { fields: [{ field: "rules.timeRules.minSeconds", messageKey: "errors.timeRulesOrder" }] },
      "invalid_rules",
    );
  }
  for (const [role, rule] of Object.entries(rules.files)) {
    if (rule.minSeconds !== undefined && rule.maxSeconds !== undefined && rule.minSeconds > rule.maxSeconds) {
      throw new ValidationError(
        "errors.fileRuleDurations",
        { role },
        {
          field: `rules.files.${role}`,
          fields: [
            { field: `rules.files.${role}.minSeconds`, messageKey: "errors.fileRuleDurations", params: { role } },
          ],
        },
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
    noticeStartsAt: null,
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
    const locked = lockedSettings(contest.stage, body);
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
    if (body.noticeEndsAt !== undefined) {
      changes.noticeEndsAt = instant(body.noticeEndsAt);
      assertNoticeExtension(contest, changes.noticeEndsAt);
    }
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
    const changed = settingChanges({ ...contest }, { ...changes });
    // Saving a form unchanged writes nothing, not even an audit row.
    if (changed.length === 0) return contestJson(contest);
    changes.updatedAt = ctx.clock.now().toISOString();
    await q.updateContest(trx, id, changes);
    await recordAudit(trx, ctx.clock, {
      actorId: actor.id,
      action: "contest.update",
      targetType: "contest",
      targetId: id,
      details: { changes: changed },
    });
    return contestJson((await q.findContest(trx, id))!);
  });
}

/**
 * The objection window may be extended, never shortened (DESIGN §2): a new end before the current one
 * is refused, so nobody loses days they were promised to file an objection.
 */
export function assertNoticeExtension(contest: Pick<Contest, "noticeEndsAt">, noticeEndsAt: string): void {
  if (contest.noticeEndsAt && Date.parse(noticeEndsAt) < Date.parse(contest.noticeEndsAt)) {
    throw new ValidationError(
      "errors.noticeShortened",
      { noticeEndsAt: contest.noticeEndsAt },
      {
        fields: [
          {
            field: "noticeEndsAt",
            messageKey: "errors.noticeShortened",
            params: { noticeEndsAt: contest.noticeEndsAt },
          },
        ],
      },
      "notice_shortened",
    );
  }
}

const TRANSITION_MESSAGES = {
  same: "errors.stageSame",
  skip: "errors.stageSkip",
  afterNotice: "errors.stageBackAfterNotice",
} as const;

/**
 * Refuses a move the lifecycle does not allow (skipping, going back after the notice), and the final
 * list before the objection window has ended (DESIGN §2). Pages ask it before confirming a move.
 */
export function assertMayMove(contest: Pick<Contest, "stage" | "noticeEndsAt">, to: Stage, now: Date): StageEntry {
  const check = checkTransition(contest.stage, to);
  if (!check.ok) {
    throw new StageError(TRANSITION_MESSAGES[check.reason], { from: contest.stage, to }, { from: contest.stage, to });
  }
  const entering = onEntering(to, check.direction);
  if (entering.freezesFinal && contest.noticeEndsAt && now.getTime() < Date.parse(contest.noticeEndsAt)) {
    throw new ConflictError(
      "notice_window_open",
      "errors.noticeWindowOpen",
      { noticeEndsAt: contest.noticeEndsAt },
      { noticeEndsAt: contest.noticeEndsAt },
    );
  }
  return entering;
}

/**
 * Moves a contest one stage on (or back, before the notice). Closing early ends submissions at once;
 * the notice opens its objection window of `noticeDays`. The move with every domain's effects is
 * stages/stages.service.ts.
 */
/** When the notice window ends if the notice opens at `now`: the contest's notice days later. */
export function noticeEndsIfOpenedAt(contest: Pick<Contest, "rules">, now: Date): string {
  return new Date(now.getTime() + contest.rules.noticeDays * 86_400_000).toISOString();
}

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
    const now = ctx.clock.now();
    const entering = assertMayMove(contest, to, now);
    const changes: Partial<ContestRow> = { stage: to, updatedAt: now.toISOString() };
    if (entering.endsSubmissions && Date.parse(contest.closesAt) > now.getTime()) {
      changes.closesAt = now.toISOString();
    }
    if (entering.opensNotice) {
      changes.noticeStartsAt = now.toISOString();
      changes.noticeEndsAt = noticeEndsIfOpenedAt(contest, now);
    }
    await q.updateContest(trx, id, changes);
    await recordAudit(trx, ctx.clock, {
      actorId: actor.id,
      action: "contest.stage",
      targetType: "contest",
      targetId: id,
      details: {
        from: contest.stage,
        to,
        ...(changes.closesAt ? { closesAt: { from: contest.closesAt, to: changes.closesAt } } : {}),
      },
    });
    const moved = contestJson((await q.findContest(trx, id))!);
    if (beforeCommit) await beforeCommit(trx, moved, entering);
    return moved;
  });
}
