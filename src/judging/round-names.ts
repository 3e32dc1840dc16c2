import { hasMessage, translate, type Locale } from "../lib/i18n.js";

/**
 * A round's name is stored as the organizer typed it (决赛, 终评 …), or as a key for the names the system
 * gives itself (round 1 is "first"), so that each reader sees them in his own language.
 */
export const FIRST_ROUND_NAME = "first";

/** The message key of a system-given round name; organizers' own names have none. */
export function roundNameKey(name: string): string | null {
  const key = `roundName.${name}`;
  return hasMessage(key) ? key : null;
}

export function roundLabel(name: string, locale: Locale): string {
  const key = roundNameKey(name);
  return key ? translate(locale, key) : name;
}
