/**
 * When a news report is due, and where a report stands (DESIGN §3): pure, no clock of its own.
 * The week's rule: due by the end of the Nth calendar day in Asia/Shanghai after the day the activity ends.
 */
import { shanghaiDay } from "../lib/time.js";

const DAY_MS = 86_400_000;

/** The last millisecond of the `days`-th Shanghai calendar day after the one `activityEndsAt` falls on, as ISO. */
export function newsDueAt(activityEndsAt: string, days: number): string {
  const endDayStarts = Date.parse(`${shanghaiDay(activityEndsAt)}T00:00:00+08:00`);
  return new Date(endDayStarts + (days + 1) * DAY_MS - 1).toISOString();
}

/**
 * The same rule read by days, so that the database can count in one GROUP BY: at `now`, an activity's
 * report is past due exactly when its Shanghai end day comes before the day returned here (today − N).
 */
export function overdueBeforeDay(now: Date, dueDays: number): string {
  return shanghaiDay(new Date(now.getTime() - dueDays * DAY_MS).toISOString());
}

/** Filed after its due time: accepted, and marked late. */
export function isLate(filedAt: string, dueAt: string): boolean {
  return Date.parse(filedAt) > Date.parse(dueAt);
}

/** 待报送 (not filed, still time), 已报送 (filed on time), 逾期报送 (filed late), 逾期未报 (not filed, past due). */
export type NewsStatus = "pending" | "onTime" | "late" | "overdue";

export function newsStatus(news: { late: boolean } | null, dueAt: string, now: Date): NewsStatus {
  if (news) return news.late ? "late" : "onTime";
  return now.getTime() > Date.parse(dueAt) ? "overdue" : "pending";
}
