import type { Knex } from "knex";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import { ConflictError, NotFoundError } from "../lib/errors.js";
import { groupBy } from "../lib/collections.js";
import { newId } from "../lib/ids.js";
import { getUnit, registryCity, reportersOf, unitsOf, type UnitsViewer } from "../units/units.service.js";
import { newsDueAt } from "./due.js";
import * as q from "./packages.queries.js";
import { countStatus, type UnitStatus } from "./status.js";
import { currentWeek, type Week } from "./weeks.service.js";

export interface CityPackage {
  city: string;
  weekId: string;
  submittedAt: string;
  submittedBy: string;
  /** What the package holds: the city's units, its filed news reports and unit summaries. */
  units: number;
  news: number;
  summaries: number;
}

export interface WeekStatus {
  week: Week;
  /** The city asked for; undefined: every city (the organizer). */
  city: string | undefined;
  units: UnitStatus[];
  packages: q.PackageRow[];
}

/** The week's duty per unit (of a city, or all), counted by status.ts; no role check (callers check). */
export async function statusOfWeek(ctx: AppContext, week: Week, city?: string): Promise<WeekStatus> {
  const [units, duties, summaries, packages] = await Promise.all([
    unitsOf(ctx, { city }),
    q.activityDuties(ctx.db, week.id, city),
    q.filedSummaries(ctx.db, week.id, city),
    q.listPackages(ctx.db, week.id),
  ]);
  const activities = duties.map((a) => ({
    id: a.id,
    unitId: a.unitId,
    title: a.title,
    dueAt: newsDueAt(a.endsAt, week.newsDueDays),
    news: a.newsLate === null ? null : { late: a.newsLate },
  }));
  return {
    week,
    city,
    units: countStatus({ units, activities, summaries, now: ctx.clock.now() }),
    packages: packages.filter((p) => city === undefined || p.city === city),
  };
}

/** The status a viewer may see: the organizer any city or all, a coordinator his own (another → 403). */
export async function reportStatus(
  ctx: AppContext,
  viewer: UnitsViewer,
  asked: { city?: string; week?: string },
): Promise<WeekStatus> {
  const city = registryCity(viewer, asked.city);
  return statusOfWeek(ctx, await currentWeek(ctx, asked.week), city);
}

/** Whether the city's package of the week is submitted: its news reports and summaries are then locked. */
export async function isCityLocked(db: Knex, weekId: string, city: string): Promise<boolean> {
  return (await q.findPackage(db, weekId, city)) !== null;
}

/**
 * The city's coordinator (or the organizer) submits the city's package of the week: it locks the city's
 * news reports and summaries. Once per city and week (a second → 409 `package_submitted`). Audited `reports.package`.
 */
export async function submitPackage(
  ctx: AppContext,
  actor: UnitsViewer & { id: string },
  cityParam: string,
  weekId?: string,
): Promise<CityPackage> {
  const city = registryCity(actor, cityParam)!;
  const week = await currentWeek(ctx, weekId);
  const status = await statusOfWeek(ctx, week, city);
  const contents = {
    units: status.units.length,
    news: status.units.reduce((n, u) => n + u.onTime + u.late, 0),
    summaries: status.units.filter((u) => u.summary !== "missing").length,
  };
  return ctx.db.transaction(async (trx) => {
    const row: q.PackageRow = {
      id: newId(),
      weekId: week.id,
      city,
      submittedAt: ctx.clock.now().toISOString(),
      submittedBy: actor.id,
    };
    // Insert-or-nothing, then read: of two submissions at once, one is the package and the other is told so.
    await q.insertPackage(trx, row);
    const found = await q.findPackage(trx, week.id, city);
    if (found?.id !== row.id)
      throw new ConflictError("package_submitted", "errors.packageSubmitted", {}, { city, weekId: week.id });
    const pkg: CityPackage = {
      city,
      weekId: week.id,
      submittedAt: row.submittedAt,
      submittedBy: actor.id,
      ...contents,
    };
    await recordAudit(trx, ctx.clock, {
      actorId: actor.id,
      action: "reports.package",
      targetType: "system",
      targetId: row.id,
      details: { ...pkg },
    });
    return pkg;
  });
}

export interface Reminder {
  unit: { id: string; name: string; city: string };
  /** The reporters' addresses: there is no mail transport, the reminder is a mailto: link the coordinator sends. */
  emails: string[];
  status: UnitStatus;
}

/**
 * A reminder to one unit of the city: recorded (audited `reports.remind`) and answered with the addresses
 * of its active reporters and what it still owes. A unit with no reporter address → 409 `no_reporter_email`.
 */
export async function remindUnit(
  ctx: AppContext,
  actor: UnitsViewer & { id: string },
  cityParam: string,
  unitId: string,
): Promise<Reminder> {
  const city = registryCity(actor, cityParam)!;
  const unit = await getUnit(ctx, unitId);
  if (unit.city !== city) throw new NotFoundError("errors.unitNotFound");
  const emails = await reporterEmails(ctx, [unit.id]);
  const to = emails.get(unit.id) ?? [];
  if (to.length === 0) throw new ConflictError("no_reporter_email", "errors.noReporterEmail", { unit: unit.name });
  const week = await currentWeek(ctx);
  const status = (await statusOfWeek(ctx, week, city)).units.find((u) => u.unitId === unit.id)!;
  await ctx.db.transaction((trx) =>
    recordAudit(trx, ctx.clock, {
      actorId: actor.id,
      action: "reports.remind",
      targetType: "system",
      targetId: unit.id,
      details: { city, unit: unit.name, weekId: week.id, reporters: to.length, missing: status.missing },
    }),
  );
  return { unit: { id: unit.id, name: unit.name, city: unit.city }, emails: to, status };
}

/** The addresses of the units' active reporters, by unit: where there is one, a reminder can be sent. */
export async function reporterEmails(ctx: AppContext, unitIds: string[]): Promise<Map<string, string[]>> {
  const active = (await reportersOf(ctx, unitIds)).filter((r) => !r.disabled && r.email !== "");
  return new Map([...groupBy(active, (r) => r.unitId)].map(([unitId, rs]) => [unitId, rs.map((r) => r.email)]));
}
