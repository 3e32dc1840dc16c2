import type { Locale } from "./i18n.js";

// The UI shows Asia/Shanghai (UTC+8 all year, no daylight saving); instants are stored in UTC.
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** "2026-12-01T09:00" typed in a datetime-local field, read as Shanghai time → ISO instant; null if malformed. */
export function shanghaiLocalToIso(local: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const utc =
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)) - SHANGHAI_OFFSET_MS;
  const date = new Date(utc);
  // Date.UTC rolls 2026-13-01 over into 2027; only a value that reads back unchanged is a real date.
  if (Number.isNaN(date.getTime()) || isoToShanghaiLocal(date.toISOString()) !== `${y}-${mo}-${d}T${h}:${mi}`)
    return null;
  return date.toISOString();
}

/** An instant as the value of a datetime-local field in Shanghai time. */
export function isoToShanghaiLocal(iso: string): string {
  return new Date(Date.parse(iso) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16);
}

/** An instant for people: "2026年12月01日 09:00" or "2026-12-01 09:00 (UTC+8)". */
export function formatShanghai(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return "";
  const local = isoToShanghaiLocal(iso);
  const [date, time] = local.split("T") as [string, string];
  if (locale === "en") return `${date} ${time} (UTC+8)`;
  const [y, mo, d] = date.split("-");
  return `${y}年${mo}月${d}日 ${time}`;
}

/** The day of an instant in Shanghai, for people: "2026年12月01日" or "2026-12-01". */
export function formatShanghaiDay(iso: string, locale: Locale): string {
  return formatShanghai(iso, locale).split(" ")[0];
}
