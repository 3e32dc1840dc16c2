import type { SessionUser } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import { NotFoundError } from "../lib/errors.js";
import { isAssignedJudge } from "../judging/scoring.service.js";
import { CONTENT_TYPES, nameForType } from "../media/content-type.js";
import { reviewEntry, type RuleCheck } from "../media/format-review.js";
import { backfillBlindCopy } from "./entries.blind.js";
import * as q from "./entries.queries.js";
import type { EntryFileRow, EntryRow } from "./entries.queries.js";

/** Who may read an entry, and what each reader sees of it: the entry's JSON projection and its files. */

export type Viewer = "owner" | "organizer" | "coordinator" | "judge";

export interface EntryFileJson {
  role: string;
  contentType: string;
  mime: string;
  size: number;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  videoCodec: string | null;
  url: string;
  originalName?: string;
  sha256?: string;
}

export interface EntryJson {
  id: string;
  code: string;
  contestId: string;
  title: string;
  summary: string;
  category: string;
  status: string;
  files: EntryFileJson[];
  statusReason?: string | null;
  recommended?: boolean;
  /** When an owner's edit cleared the recommendation; null while recommended or never cleared. */
  recommendationClearedAt?: string | null;
  talkSeconds?: number | null;
  safetyFailed?: boolean;
  city?: string;
  unit?: string;
  authors?: { name: string; role?: string }[];
  ownerId?: string;
  createdAt?: string;
  updatedAt?: string;
  checks?: RuleCheck[];
  duplicates?: string[];
}

/**
 * The recommendation form (推荐表) carries the author's name, unit and stamp: judges are never shown
 * it nor served it, so the anonymity of DESIGN §1 holds for the API as for the pages.
 */
const ROLES_HIDDEN_FROM_JUDGES = new Set(["form"]);

/** Whether judges may see a file of this role: those get an anonymized copy when stored. */
export const judgesMaySee = (role: string): boolean => !ROLES_HIDDEN_FROM_JUDGES.has(role);

const visibleTo = (viewer: Viewer) => (file: EntryFileRow) => viewer !== "judge" || judgesMaySee(file.role);

function fileJson(entryId: string, file: EntryFileRow, viewer: Viewer): EntryFileJson {
  const json: EntryFileJson = {
    role: file.role,
    contentType: file.contentType,
    mime: CONTENT_TYPES[file.contentType],
    size: viewer === "judge" && file.blind ? file.blind.size : file.size,
    durationSeconds: file.probe?.durationSeconds ?? null,
    width: file.probe?.width ?? null,
    height: file.probe?.height ?? null,
    videoCodec: file.probe?.videoCodec ?? null,
    url: `/api/v1/entries/${entryId}/files/${file.role}`,
  };
  // Original file names often carry the author's name: judges never see them.
  if (viewer !== "judge") Object.assign(json, { originalName: file.originalName, sha256: file.sha256 });
  return json;
}

/** An entry as a viewer may see it: judges get the work without who made it (DESIGN §1). */
export function entryJson(entry: EntryRow, files: EntryFileRow[], viewer: Viewer): EntryJson {
  const base: EntryJson = {
    id: entry.id,
    code: entry.code,
    contestId: entry.contestId,
    title: entry.title,
    summary: entry.summary,
    category: entry.category,
    status: entry.status,
    files: files.filter(visibleTo(viewer)).map((f) => fileJson(entry.id, f, viewer)),
  };
  if (viewer === "judge") return base;
  return {
    ...base,
    statusReason: entry.statusReason,
    recommended: entry.recommendedAt !== null,
    recommendationClearedAt: entry.recommendationClearedAt,
    talkSeconds: entry.talkSeconds,
    safetyFailed: entry.safetyFailed,
    city: entry.city,
    unit: entry.unit,
    authors: entry.authors,
    ownerId: entry.ownerId,
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
  };
}

/** Who the user is to this entry by role, owner or city, or null (judges are found by assignment). */
export function viewerOf(user: SessionUser, entry: EntryRow): Viewer | null {
  if (user.role === "organizer") return "organizer";
  if (entry.ownerId === user.id) return "owner";
  if (user.role === "coordinator" && user.city === entry.city) return "coordinator";
  return null;
}

/** The entry and who the user is to it: by role, owner or city, and for judges by their assignments. */
export async function loadEntry(
  ctx: AppContext,
  user: SessionUser,
  entryId: string,
): Promise<{ entry: EntryRow; viewer: Viewer }> {
  const entry = await q.findEntry(ctx.db, entryId);
  let viewer = entry ? viewerOf(user, entry) : null;
  if (entry && !viewer && user.role === "judge" && (await isAssignedJudge(ctx, entry.id, user.id))) viewer = "judge";
  // An entry one may not see is answered as absent, so ids cannot be probed.
  if (!entry || !viewer) throw new NotFoundError("errors.entryNotFound");
  return { entry, viewer };
}

/** An entry as the user may see it, with the format review's failures for organizers and the owner. */
export async function getEntry(ctx: AppContext, user: SessionUser, entryId: string): Promise<EntryJson> {
  const { entry, viewer } = await loadEntry(ctx, user, entryId);
  const files = await q.filesOfEntries(ctx.db, [entry.id]);
  const json = entryJson(entry, files, viewer);
  if (viewer === "organizer" || viewer === "owner") {
    const contest = await getContest(ctx, user, entry.contestId);
    json.checks = failingChecks(contest, files);
  }
  return json;
}

/** The format review's failing checks of an entry's files (shown to organizers and the owner). */
export function failingChecks(contest: Contest, files: EntryFileRow[]): RuleCheck[] {
  return reviewEntry(
    contest.rules.files,
    files.map((f) => ({ role: f.role, contentType: f.contentType, size: f.size, video: f.probe })),
  ).filter((c) => !c.ok);
}

export interface FileToSend {
  path: string;
  mime: string;
  size: number;
  downloadName: string;
}

/**
 * A stored file for someone allowed to read the entry; judges get its anonymized copy under a name
 * without the author's (DESIGN §4 "Blind files"), and never the form; owners and organizers the original.
 */
export async function fileToSend(
  ctx: AppContext,
  user: SessionUser,
  entryId: string,
  role: string,
): Promise<FileToSend> {
  const { entry, viewer } = await loadEntry(ctx, user, entryId);
  const file = (await q.filesOfEntries(ctx.db, [entry.id])).filter(visibleTo(viewer)).find((f) => f.role === role);
  if (!file) throw new NotFoundError("errors.fileNotFound");
  const extension = file.contentType === "jpeg" ? "jpg" : file.contentType;
  if (viewer === "judge") {
    const blind = file.blind ?? (await backfillBlindCopy(ctx, file));
    return {
      path: ctx.storage.pathOf(blind.storageKey),
      mime: CONTENT_TYPES[file.contentType],
      size: blind.size,
      downloadName: `${entry.code}-${role}.${extension}`,
    };
  }
  return {
    path: ctx.storage.pathOf(file.storageKey),
    mime: CONTENT_TYPES[file.contentType],
    size: file.size,
    // The owner's name for it, with the extension of the type detected at upload (a PDF named x.html is x.pdf).
    downloadName: nameForType(file.originalName, file.contentType),
  };
}
