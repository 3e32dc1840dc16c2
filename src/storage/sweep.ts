import type { AppContext } from "../context.js";
import { referencedKeys } from "./storage.queries.js";

/**
 * The startup sweep: what a crash (or a kill mid-request) can leave under UPLOAD_DIR. Uploads in
 * progress when the process died are removed, and stored files no row points at: their entry's
 * transaction never committed, so nobody was told they were kept. Files written within
 * `uploadSweepMinAgeSeconds` are left alone: on PostgreSQL other processes sharing UPLOAD_DIR may
 * be writing them right now.
 */
export async function sweepStorage(ctx: AppContext): Promise<{ removedTemp: number; removedOrphans: number }> {
  const cutoff = ctx.clock.now().getTime() - ctx.config.uploadSweepMinAgeSeconds * 1000;
  const candidates = [];
  // Files first, rows second: a file's row, if it has one, has committed by the time the rows are read.
  for await (const item of ctx.storage.list()) if (item.modifiedAt.getTime() <= cutoff) candidates.push(item);
  const referenced = await referencedKeys(ctx.db);
  let removedTemp = 0;
  let removedOrphans = 0;
  for (const item of candidates) {
    if (item.key === null) {
      await ctx.storage.discard(item.path);
      removedTemp += 1;
    } else if (!referenced.has(item.key)) {
      await ctx.storage.remove(item.key);
      removedOrphans += 1;
    }
  }
  ctx.logger.info({ removedTemp, removedOrphans }, "storage swept");
  return { removedTemp, removedOrphans };
}
