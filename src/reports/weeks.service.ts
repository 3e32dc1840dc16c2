import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import { ConflictError, NotFoundError } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import * as q from "./weeks.queries.js";
import type { CreateWeekBody } from "./weeks.schemas.js";

export interface Week {
  id: string;
  title: string;
  /** A news report is due this many calendar days (Asia/Shanghai) after its activity ends. */
  newsDueDays: number;
  summaryDueAt: string;
  createdAt: string;
}

const present = (row: q.WeekRow): Week => ({ ...row });

/** The organizer opens a reporting week; it becomes the current one. Audited `reports.week`. */
export async function createWeek(ctx: AppContext, actor: { id: string }, body: CreateWeekBody): Promise<Week> {
  return ctx.db.transaction(async (trx) => {
    const latest = await q.latestWeek(trx);
    const now = ctx.clock.now().getTime();
    // created_at orders the weeks: strictly after the latest, so "current" is never a tie (a still clock, a fast organizer).
    const createdAt = new Date(latest ? Math.max(now, Date.parse(latest.createdAt) + 1) : now).toISOString();
    const row: q.WeekRow = {
      id: newId(),
      title: body.title.trim(),
      newsDueDays: 3,
      summaryDueAt: new Date(body.summaryDueAt).toISOString(),
      createdAt,
    };
    await q.insertWeek(trx, row);
    await recordAudit(trx, ctx.clock, {
      actorId: actor.id,
      action: "reports.week",
      targetType: "system",
      targetId: row.id,
      details: { title: row.title, summaryDueAt: row.summaryDueAt },
    });
    return present(row);
  });
}

/** Every week, newest (the current one) first. */
export async function listWeeks(ctx: AppContext): Promise<Week[]> {
  return (await q.listWeeks(ctx.db)).map(present);
}

/**
 * The week everything works on: the one asked for by id (404 if unknown), else the latest created;
 * with none yet → 409 `no_report_week`.
 */
export async function currentWeek(ctx: AppContext, weekId?: string): Promise<Week> {
  if (weekId !== undefined) {
    const row = await q.findWeekById(ctx.db, weekId);
    if (!row) throw new NotFoundError("errors.reportWeekNotFound");
    return present(row);
  }
  const row = await q.latestWeek(ctx.db);
  if (!row) throw new ConflictError("no_report_week", "errors.noReportWeek");
  return present(row);
}
