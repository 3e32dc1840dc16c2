/**
 * The reporting dashboard (DESIGN §3): the week's activities by theme, form and Shanghai day, the
 * on-time rate by city and the counts by unit kind. Counted in SQL (GROUP BY); rates in dashboard.rates.
 * The organizer sees every city, a coordinator his own.
 */
import type { SessionUser } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import * as q from "./dashboard.queries.js";
import { onTimeRate } from "./dashboard.rates.js";
import { overdueBeforeDay } from "./due.js";
import { currentWeek, type Week } from "./weeks.service.js";

export type CityFigures = q.CityCounts & { rate: number | null; packageSubmittedAt: string | null };

export interface Dashboard {
  week: Week;
  /** A coordinator's city; null for the organizer (every city). */
  city: string | null;
  byTheme: q.KeyCount[];
  byForm: q.KeyCount[];
  byDay: q.KeyCount[];
  cities: CityFigures[];
  totals: CityFigures;
  kinds: { kind: string; units: number; activities: number }[];
}

export type DashboardViewer = Pick<SessionUser, "role" | "city">;

/** The week and city the viewer's figures cover. */
export async function dashboardScope(
  ctx: AppContext,
  user: DashboardViewer,
  weekId?: string,
): Promise<{ week: Week; scope: q.DashboardScope }> {
  const week = await currentWeek(ctx, weekId);
  // Coordinators always carry a city (accounts service); "" would match none rather than all.
  const city = user.role === "organizer" ? undefined : (user.city ?? "");
  return { week, scope: { weekId: week.id, city } };
}

/** The cities' counts with their rates and packages, and their sum. */
export async function cityFigures(
  ctx: AppContext,
  week: Week,
  scope: q.DashboardScope,
): Promise<{ cities: CityFigures[]; totals: CityFigures }> {
  const overdueBefore = overdueBeforeDay(ctx.clock.now(), week.newsDueDays);
  const [counts, packages] = await Promise.all([
    q.countsByCity(ctx.db, scope, overdueBefore),
    q.packagesOf(ctx.db, scope),
  ]);
  const cities = counts.map((c) => ({ ...c, rate: onTimeRate(c), packageSubmittedAt: packages.get(c.city) ?? null }));
  const sum = (key: "activities" | "onTime" | "late" | "missing" | "missingPastDue") =>
    cities.reduce((n, c) => n + c[key], 0);
  const counted = {
    city: "",
    activities: sum("activities"),
    onTime: sum("onTime"),
    late: sum("late"),
    missing: sum("missing"),
    missingPastDue: sum("missingPastDue"),
  };
  return { cities, totals: { ...counted, rate: onTimeRate(counted), packageSubmittedAt: null } };
}

export async function dashboard(ctx: AppContext, user: DashboardViewer, weekId?: string): Promise<Dashboard> {
  const { week, scope } = await dashboardScope(ctx, user, weekId);
  const [byTheme, byForm, byDay, figures, kinds] = await Promise.all([
    q.activitiesByTheme(ctx.db, scope),
    q.activitiesByForm(ctx.db, scope),
    q.activitiesByDay(ctx.db, scope),
    cityFigures(ctx, week, scope),
    q.countsByUnitKind(ctx.db, scope),
  ]);
  return { week, city: scope.city ?? null, byTheme, byForm, byDay, ...figures, kinds };
}
