/** Time comes in through a clock so tests can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Instants are stored as ISO-8601 UTC strings of one fixed shape, so they sort and compare as text. */
export function toIso(date: Date): string {
  return date.toISOString();
}
