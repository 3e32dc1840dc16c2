import type { FileRule } from "../contests/rules.js";
import { formatBytes, translate, type Locale } from "../lib/i18n.js";
import { CONTENT_TYPES, type ContentType } from "../media/content-type.js";

const EXTENSIONS: Record<ContentType, string[]> = {
  mp4: [".mp4"],
  mov: [".mov"],
  pdf: [".pdf"],
  docx: [".docx"],
  pptx: [".pptx"],
  jpeg: [".jpg", ".jpeg"],
  png: [".png"],
  webp: [".webp"],
};

/** The `accept` attribute of a role's file input: extensions and MIME types (the server still checks the bytes). */
export function acceptOf(rule: Pick<FileRule, "types">): string {
  return rule.types
    .flatMap((type) => (type in CONTENT_TYPES ? [...EXTENSIONS[type], CONTENT_TYPES[type]] : []))
    .join(",");
}

/** "5 分钟", "20 秒", "4 分 10 秒": how a contest notice writes a length of time. */
function spokenDuration(seconds: number, locale: Locale): string {
  const whole = Math.round(seconds);
  const m = Math.floor(whole / 60);
  const s = whole % 60;
  if (m === 0) return translate(locale, "fileRule.seconds", { n: s });
  if (s === 0) return translate(locale, "fileRule.minutes", { n: m });
  return translate(locale, "fileRule.minutesSeconds", { m, s });
}

function durationPart(rule: FileRule, locale: Locale): string | null {
  const { minSeconds: min, maxSeconds: max } = rule;
  if (min !== undefined && min > 0 && max !== undefined) {
    if (min % 60 === 0 && max % 60 === 0)
      return translate(locale, "fileRule.minutesRange", { min: min / 60, max: max / 60 });
    return translate(locale, "fileRule.range", { min: spokenDuration(min, locale), max: spokenDuration(max, locale) });
  }
  if (max !== undefined) return translate(locale, "fileRule.atMost", { value: spokenDuration(max, locale) });
  if (min !== undefined && min > 0)
    return translate(locale, "fileRule.atLeast", { value: spokenDuration(min, locale) });
  return null;
}

/**
 * A role's rule in plain words, as contest notices print it: "MP4，2–5 分钟，不超过 500MB，建议 1080p、16:9".
 * Hard limits first, then the soft ones that are only flagged in the format review. H.264 is not
 * named: it is what every camera and phone writes into an MP4; another codec requirement is.
 */
export function fileRuleText(rule: FileRule, locale: Locale): string {
  const parts = [rule.types.map((t) => (t === "jpeg" ? "JPG" : t.toUpperCase())).join("/")];
  const duration = durationPart(rule, locale);
  if (duration) parts.push(duration);
  parts.push(translate(locale, "fileRule.atMost", { value: formatBytes(rule.maxBytes) }));
  const soft: string[] = [];
  if (rule.minHeight !== undefined) soft.push(`${rule.minHeight}p`);
  if (rule.aspectRatio !== undefined) soft.push(rule.aspectRatio);
  const codecs = rule.videoCodecs ?? [];
  if (codecs.length > 0 && !(codecs.length === 1 && codecs[0] === "h264"))
    soft.push(codecs.map((c) => c.toUpperCase()).join("/"));
  if (soft.length > 0)
    parts.push(
      translate(locale, "fileRule.suggested", { list: soft.join(translate(locale, "fileRule.listSeparator")) }),
    );
  return parts.join(translate(locale, "fileRule.separator"));
}
