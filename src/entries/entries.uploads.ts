import type { AppContext } from "../context.js";
import type { Contest } from "../contests/contests.service.js";
import type { FileRule } from "../contests/rules.js";
import type { UploadedFile } from "../http/upload.js";
import { AppError, asError, ValidationError } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import { detectContentType, VIDEO_TYPES, type ContentType } from "../media/content-type.js";
import { checkFile, type FileFacts } from "../media/format-review.js";
import { probeVideo } from "../media/probe.js";
import { judgesMaySee } from "./entries.access.js";
import { makeBlindCopy } from "./entries.blind.js";
import type { EntryFileRow } from "./entries.queries.js";

// An entry's uploaded files: inspected, blind-copied for the judges, moved into storage, and removed again on failure.

/** Reads a file's type from its bytes; refuses a type the rule does not allow. */
async function allowedType(file: UploadedFile, rule: FileRule): Promise<ContentType> {
  const { type, detected } = await detectContentType(file.path);
  if (!type || !rule.types.includes(type)) {
    throw new AppError(
      415,
      "file_type_not_allowed",
      "errors.fileType",
      { role: file.role, actual: detected ?? "?", allowed: rule.types.join("/") },
      { role: file.role, detected },
    );
  }
  return type;
}

/** For a video, probes it; refuses what breaks a hard rule. */
async function inspect(ctx: AppContext, file: UploadedFile, rule: FileRule, type: ContentType): Promise<FileFacts> {
  const video = VIDEO_TYPES.includes(type) ? await probeVideo(ctx.config, file.path) : null;
  if (VIDEO_TYPES.includes(type) && !video) {
    throw new ValidationError("errors.videoUnreadable", { role: file.role }, { role: file.role }, "video_unreadable");
  }
  const facts: FileFacts = { role: file.role, contentType: type, size: file.size, video };
  const failedHard = checkFile(file.role, rule, facts).find((c) => c.hard && !c.ok);
  if (failedHard)
    throw new ValidationError(
      failedHard.messageKey,
      failedHard.params,
      { role: file.role, check: failedHard.check },
      `file_${failedHard.check}`,
    );
  return facts;
}

export interface StoredUpload {
  file: UploadedFile;
  facts: FileFacts;
  key: string;
  /** The judges' anonymized copy (DESIGN §4 "Blind files"); null for files judges never see. */
  blind: { key: string; size: number } | null;
}

/** The first refusal in file order, once every file's work has settled (so nothing is still being written). */
function firstFailure(results: PromiseSettledResult<unknown>[]): Error | undefined {
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  return rejected && asError(rejected.reason);
}

/**
 * Inspects every file and makes the judges' anonymized copy of each they may see (refusing the upload
 * when one cannot be made), then moves them all into storage; on failure removes whatever was made.
 * A file's probe and its copy run side by side (the copy waits for the probe only to compare durations):
 * for a video of hundreds of megabytes the copy is most of the work.
 */
export async function storeUploads(ctx: AppContext, contest: Contest, files: UploadedFile[]): Promise<StoredUpload[]> {
  const copies = new Map<UploadedFile, { incomingPath: string; size: number }>();
  const inspected: { file: UploadedFile; facts: FileFacts }[] = [];
  const stored: StoredUpload[] = [];
  try {
    const work = files.map(async (file) => {
      const rule = contest.rules.files[file.role];
      const contentType = await allowedType(file, rule);
      const facts = inspect(ctx, file, rule, contentType);
      const durationSeconds = facts.then((f) => f.video?.durationSeconds ?? null);
      // Its refusal is the probe's, answered through `facts`; a copy that fails first never reads it.
      durationSeconds.catch(() => undefined);
      const copy = judgesMaySee(file.role) ? makeBlindCopy(ctx, { ...file, contentType, durationSeconds }) : null;
      const [factsDone, copyDone] = await Promise.allSettled([facts, copy]);
      if (copyDone.status === "fulfilled" && copyDone.value) copies.set(file, copyDone.value);
      const failed = firstFailure([factsDone, copyDone]);
      if (failed) throw failed;
      return { file, facts: await facts };
    });
    const results = await Promise.allSettled(work);
    const failed = firstFailure(results);
    if (failed) throw failed;
    for (const r of results) if (r.status === "fulfilled") inspected.push(r.value);
    for (const item of inspected) {
      const upload: StoredUpload = { ...item, key: await ctx.storage.adopt(item.file.path), blind: null };
      stored.push(upload);
      const copy = copies.get(item.file);
      if (copy) upload.blind = { key: await ctx.storage.adopt(copy.incomingPath), size: copy.size };
    }
  } catch (err) {
    await removeStored(ctx, stored);
    throw err;
  } finally {
    // Copies not moved into storage (after a refusal) are still incoming: remove them.
    await Promise.all([...copies.values()].map((c) => ctx.storage.discard(c.incomingPath)));
  }
  return stored;
}

export async function removeStored(
  ctx: AppContext,
  stored: { key: string; blind?: { key: string } | null }[],
): Promise<void> {
  await Promise.all(
    stored.flatMap((s) => [s.key, ...(s.blind ? [s.blind.key] : [])].map((k) => ctx.storage.remove(k))),
  );
}

export function fileRow(entryId: string, upload: StoredUpload, now: string): EntryFileRow {
  return {
    id: newId(),
    entryId,
    role: upload.file.role,
    storageKey: upload.key,
    originalName: upload.file.originalName.slice(0, 255),
    contentType: upload.facts.contentType,
    size: upload.file.size,
    sha256: upload.file.sha256,
    probe: upload.facts.video,
    blind: upload.blind && { storageKey: upload.blind.key, size: upload.blind.size },
    createdAt: now,
  };
}
