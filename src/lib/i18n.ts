import en from "../locales/en.json" with { type: "json" };
import zhCN from "../locales/zh-CN.json" with { type: "json" };
import type { MessageParams } from "./errors.js";

export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh-CN";

const catalogs: Record<Locale, Record<string, string>> = { "zh-CN": zhCN, en };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** Seconds as people say them: "5分30秒", "5分钟" / "5 min 30 s", "5 min". */
export function formatDuration(totalSeconds: number, locale: Locale): string {
  const whole = Math.round(totalSeconds);
  const minutes = Math.floor(whole / 60);
  const seconds = whole % 60;
  if (locale === "en")
    return [minutes ? `${minutes} min` : "", seconds || !minutes ? `${seconds} s` : ""].filter(Boolean).join(" ");
  if (minutes && !seconds) return `${minutes}分钟`;
  return `${minutes ? `${minutes}分` : ""}${seconds}秒`;
}

/** Bytes in binary units, as file managers show them: 500MB, 1.5GB. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${+(bytes / 1024 ** 3).toFixed(2)}GB`;
  if (bytes >= 1024 ** 2) return `${+(bytes / 1024 ** 2).toFixed(1)}MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)}KB`;
  return `${bytes}B`;
}

const FORMATS: Record<string, (value: number, locale: Locale) => string> = {
  duration: formatDuration,
  bytes: (value) => formatBytes(value),
};

const LIST_SEPARATORS: Record<Locale, string> = { "zh-CN": "、", en: ", " };

/**
 * Looks a message up by key, falling back to Chinese, then to the key itself. `{name}` takes
 * params.name (a list joined as the locale does); `{name:duration}` and `{name:bytes}` format a number for the reader.
 */
export function translate(locale: Locale, key: string, params: MessageParams = {}): string {
  const template = catalogs[locale][key] ?? catalogs[DEFAULT_LOCALE][key] ?? key;
  return template.replace(/\{(\w+)(?::(\w+))?\}/g, (whole, name: string, format: string | undefined) => {
    if (!(name in params)) return whole;
    const value = params[name];
    if (typeof value === "object") return value.join(LIST_SEPARATORS[locale]);
    const formatter = format ? FORMATS[format] : undefined;
    return formatter && typeof value === "number" ? formatter(value, locale) : String(value);
  });
}

export function hasMessage(key: string): boolean {
  return key in catalogs[DEFAULT_LOCALE];
}
