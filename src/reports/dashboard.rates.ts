/**
 * The dashboard's arithmetic (DESIGN §3), pure: the on-time rate of a city and how it reads.
 */

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
