/**
 * The dashboard's arithmetic (DESIGN §3), pure: which activities are past their news due time, and the
 * on-time rate of a city. No clock here: "now" is given.
 */

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** The Asia/Shanghai calendar day of an instant, YYYY-MM-DD. */
export function shanghaiDay(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * A news report is due at the end of the Nth Shanghai day after its activity's end day, so at `now` it
 * is past due exactly when that end day comes before the day returned here (today − N). Comparing days
 * as text lets the database count in one GROUP BY.
 */
export function overdueBeforeDay(now: Date, dueDays: number): string {
  return shanghaiDay(new Date(now.getTime() - dueDays * DAY_MS));
}

export interface OnTimeCounts {
  onTime: number;
  late: number;
  /** Activities with no news report whose due time has passed (one still inside its days does not count yet). */
  missingPastDue: number;
}

/** onTime / (onTime + late + missing past due); null when nothing is due yet. */
export function onTimeRate(c: OnTimeCounts): number | null {
  const due = c.onTime + c.late + c.missingPastDue;
  return due === 0 ? null : c.onTime / due;
}

/** A rate as people read it: "87.5%", or "—" when there is none. */
export function percentText(rate: number | null): string {
  return rate === null ? "—" : `${Math.round(rate * 1000) / 10}%`;
}
