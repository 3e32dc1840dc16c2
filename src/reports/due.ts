// Asia/Shanghai is UTC+8 all year (no daylight saving).
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/**
 * A news report's due instant (DESIGN §3): the end of the Nth calendar day (Asia/Shanghai) after the
 * day the activity ends; an activity ending 2026-05-20 at any hour is due 2026-05-23T15:59:59.999Z.
 */
export function newsDueAt(activityEndsAt: string, days: number): string {
  const localDay = Math.floor((Date.parse(activityEndsAt) + SHANGHAI_OFFSET_MS) / DAY_MS);
  return new Date((localDay + days + 1) * DAY_MS - SHANGHAI_OFFSET_MS - 1).toISOString();
}
