import { stat } from "node:fs/promises";
import type { AppContext } from "../context.js";
import { AppError, NotFoundError } from "../lib/errors.js";
import { AnonymizeError } from "../media/anonymize.js";
import { VIDEO_TYPES, type ContentType } from "../media/content-type.js";
import { copyWithoutMetadata } from "../media/metadata-copy.js";
import { probeVideo } from "../media/probe.js";
import * as q from "./entries.queries.js";
import type { EntryFileRow } from "./entries.queries.js";

/**
 * Blind files (DESIGN §4): judges get an anonymized copy of every file they may see, made once when the
 * entry is stored, kept beside the original in storage; a file that cannot be anonymized never reaches
 * a judge in the original: its upload is refused.
 */

/** A remux may end the container a frame or an audio packet apart; a longer gap means pictures or sound were lost. */
const MAX_DURATION_DRIFT_SECONDS = 1;

export interface BlindSource {
  path: string;
  role: string;
  contentType: ContentType;
  /** The original's duration, for videos: the copy must keep it (a promise when probed while the copy is made). */
  durationSeconds: number | null | Promise<number | null>;
}

function notAnonymizable(role: string, messageKey = "errors.fileNotAnonymizable"): AppError {
  return new AppError(422, "file_not_anonymizable", messageKey, { role }, { role });
}

/**
 * Makes the anonymized copy of a file at a fresh incoming path of storage (for the caller to adopt or
 * discard) and checks that it is still the same kind of file and, for a video, as long; refuses with
 * 422 file_not_anonymizable otherwise (507 when the disk is full), leaving nothing behind.
 */
export async function makeBlindCopy(
  ctx: AppContext,
  source: BlindSource,
  messageKey?: string,
): Promise<{ incomingPath: string; size: number }> {
  const incomingPath = await copyWithoutMetadata(
    ctx,
    source,
    () => notAnonymizable(source.role, messageKey),
    async (output) => {
      if (!VIDEO_TYPES.includes(source.contentType)) return;
      const probed = await probeVideo(ctx.config, output);
      if (!probed) throw new AnonymizeError("the copy does not probe as a video");
      const original = await source.durationSeconds;
      if (Math.abs(probed.durationSeconds - (original ?? 0)) > MAX_DURATION_DRIFT_SECONDS)
        throw new AnonymizeError(`the copy lasts ${probed.durationSeconds} s, not ${original} s`);
    },
  );
  return { incomingPath, size: (await stat(incomingPath)).size };
}

/**
 * The blind copy of a file stored before copies were made, made on a judge's first request and
 * recorded, so it too is made once; two judges racing keep the first copy recorded.
 */
export async function backfillBlindCopy(
  ctx: AppContext,
  file: EntryFileRow,
): Promise<{ storageKey: string; size: number }> {
  const made = await makeBlindCopy(
    ctx,
    {
      path: ctx.storage.pathOf(file.storageKey),
      role: file.role,
      contentType: file.contentType,
      durationSeconds: file.probe?.durationSeconds ?? null,
    },
    "errors.blindCopyUnavailable",
  );
  let storageKey: string;
  try {
    storageKey = await ctx.storage.adopt(made.incomingPath);
  } catch (err) {
    await ctx.storage.discard(made.incomingPath);
    throw err;
  }
  const blind = { storageKey, size: made.size };
  if (await q.setBlindCopy(ctx.db, file.id, blind)) return blind;
  await ctx.storage.remove(storageKey);
  const recorded = (await q.findEntryFile(ctx.db, file.id))?.blind;
  // Replaced by the owner meanwhile: the file asked for is gone.
  if (!recorded) throw new NotFoundError("errors.fileNotFound");
  return recorded;
}
