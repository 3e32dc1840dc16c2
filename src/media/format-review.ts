import type { FileRule } from "../contests/rules.js";
import type { ContentType } from "./content-type.js";
import type { VideoFacts } from "./probe.js";

/** What is known of one stored file. */
export interface FileFacts {
  role: string;
  contentType: ContentType;
  size: number;
  video: VideoFacts | null;
}

export type CheckName = "present" | "type" | "size" | "duration" | "resolution" | "aspectRatio" | "codec";

export interface RuleCheck {
  role: string;
  check: CheckName;
  ok: boolean;
  /** Hard checks refuse an upload; soft ones are only flagged for the format review. */
  hard: boolean;
  /** Message key and params describing the measured value against the rule. */
  messageKey: string;
  params: Record<string, string | number>;
}

const ASPECT_TOLERANCE = 0.01;

function aspectMatches(width: number, height: number, ratio: string): boolean {
  const [a, b] = ratio.split(":").map(Number) as [number, number];
  const want = a / b;
  return Math.abs(width / height - want) <= want * ASPECT_TOLERANCE;
}

/** Every check of one role's rule against one file (or its absence). Pure: the format review and the upload share it. */
export function checkFile(role: string, rule: FileRule, file: FileFacts | null): RuleCheck[] {
  const checks: RuleCheck[] = [];
  const add = (
    check: CheckName,
    ok: boolean,
    hard: boolean,
    messageKey: string,
    params: Record<string, string | number> = {},
  ) => checks.push({ role, check, ok, hard, messageKey, params: { role, ...params } });
  if (!file) {
    if (rule.required) add("present", false, true, "review.missing");
    return checks;
  }
  add("type", rule.types.includes(file.contentType), true, "review.type", {
    actual: file.contentType,
    allowed: rule.types.join("/"),
  });
  add("size", file.size <= rule.maxBytes, true, "review.size", { actual: file.size, limit: rule.maxBytes });
  const video = file.video;
  if (!video) return checks;
  if (rule.maxSeconds !== undefined || rule.minSeconds !== undefined) {
    const tooLong = rule.maxSeconds !== undefined && video.durationSeconds > rule.maxSeconds;
    const tooShort = rule.minSeconds !== undefined && video.durationSeconds < rule.minSeconds;
    add(
      "duration",
      !tooLong && !tooShort,
      true,
      tooLong ? "review.tooLong" : tooShort ? "review.tooShort" : "review.duration",
      {
        actual: video.durationSeconds,
        limit: tooLong ? rule.maxSeconds! : (rule.minSeconds ?? rule.maxSeconds!),
      },
    );
  }
  if (rule.minHeight !== undefined) {
    add("resolution", Math.min(video.width, video.height) >= rule.minHeight, false, "review.resolution", {
      width: video.width,
      height: video.height,
      limit: rule.minHeight,
    });
  }
  if (rule.aspectRatio !== undefined) {
    add("aspectRatio", aspectMatches(video.width, video.height, rule.aspectRatio), false, "review.aspectRatio", {
      width: video.width,
      height: video.height,
      ratio: rule.aspectRatio,
    });
  }
  if (rule.videoCodecs !== undefined && rule.videoCodecs.length > 0) {
    add("codec", rule.videoCodecs.includes(video.videoCodec), false, "review.codec", {
      actual: video.videoCodec,
      allowed: rule.videoCodecs.join("/"),
    });
  }
  return checks;
}

/** All checks of an entry: each role of the contest's rules against the file stored for it. */
export function reviewEntry(rules: Record<string, FileRule>, files: FileFacts[]): RuleCheck[] {
  return Object.entries(rules).flatMap(([role, rule]) =>
    checkFile(role, rule, files.find((f) => f.role === role) ?? null),
  );
}
