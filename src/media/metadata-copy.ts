import { stat } from "node:fs/promises";
import type { AppContext } from "../context.js";
import { type AppError, InsufficientStorageError } from "../lib/errors.js";
import { AnonymizeError, anonymizeFile } from "./anonymize.js";
import { detectContentType, type ContentType } from "./content-type.js";

export interface CopySource {
  path: string;
  role: string;
  contentType: ContentType;
}

/**
 * The copy of `source` without its metadata (a judge's blind copy, a published image) at a fresh incoming
 * path of storage, for the caller to adopt or discard. It must read as the same type and pass `verify`
 * (which throws AnonymizeError); else nothing is left behind and `refusal` is thrown, or 507 when what
 * ran out was the disk.
 */
export async function copyWithoutMetadata(
  ctx: AppContext,
  source: CopySource,
  refusal: () => AppError,
  verify: (output: string) => Promise<void> = () => Promise.resolve(),
): Promise<string> {
  const output = ctx.storage.incomingPath();
  try {
    await anonymizeFile(ctx.config.metadataTools, source.contentType, source.path, output);
    const { type } = await detectContentType(output);
    if (type !== source.contentType) throw new AnonymizeError(`the copy reads as ${type ?? "unknown"}`);
    await verify(output);
    return output;
  } catch (err) {
    await ctx.storage.discard(output);
    if (!(err instanceof AnonymizeError)) throw err;
    // Out of disk, a tool may only say it could not write, or leave a short copy: the server's fault, not the file's.
    if (!(await ctx.storage.hasRoomFor((await stat(source.path)).size))) throw new InsufficientStorageError();
    ctx.logger.warn(
      { role: source.role, contentType: source.contentType, reason: err.message },
      "metadata copy failed",
    );
    throw refusal();
  }
}
