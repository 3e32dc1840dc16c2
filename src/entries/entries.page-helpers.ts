import type { Request } from "express";
import type { Contest } from "../contests/contests.service.js";
import { localizedParams } from "../http/errors.js";
import { hasMessage } from "../lib/i18n.js";
import type { ContentType } from "../media/content-type.js";
import { reviewEntry, type FileFacts, type RuleCheck } from "../media/format-review.js";
import type { EntryFileJson, EntryJson } from "./entries.service.js";

// What the entry pages (entries.pages.ts) and the review pages (entries.review.pages.ts) both show.

/** The week's four themes (DESIGN §1), offered as categories; stored in Chinese, as judges' expertise is. */
export const WEEK_THEMES = [
  { value: "科学防控", key: "theme.prevention" },
  { value: "科普行动", key: "theme.outreach" },
  { value: "科技扶贫", key: "theme.poverty" },
  { value: "科创惠民", key: "theme.innovation" },
];

/** What checkFile needs of a stored file, from its JSON (codec, size and probe figures are all there). */
function factsOf(file: EntryFileJson): FileFacts {
  const video =
    file.durationSeconds !== null && file.width !== null && file.height !== null
      ? {
          durationSeconds: file.durationSeconds,
          width: file.width,
          height: file.height,
          videoCodec: file.videoCodec ?? "",
          audioCodec: null,
          formatName: "",
        }
      : null;
  return { role: file.role, contentType: file.contentType as ContentType, size: file.size, video };
}

export interface CheckView {
  role: string;
  check: string;
  ok: boolean;
  hard: boolean;
  text: string;
}

/** A rule check in the reader's words: failures as the review.* messages, passes as the measured value. */
export function describeCheck(req: Request, c: RuleCheck): CheckView {
  const okKey = `reviewOk.${c.check}`;
  const key = c.ok && hasMessage(okKey) ? okKey : c.messageKey;
  return { role: c.role, check: c.check, ok: c.ok, hard: c.hard, text: req.t(key, localizedParams(req, c.params)) };
}

/** Every rule of the contest against the entry's files, passed or not (the format review, DESIGN §2). */
export function ruleResults(req: Request, contest: Contest, entry: EntryJson): CheckView[] {
  return reviewEntry(contest.rules.files, entry.files.map(factsOf)).map((c) => describeCheck(req, c));
}
