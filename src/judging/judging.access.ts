import type { AppContext } from "../context.js";
import { isAssigned } from "./judging.queries.js";

/** Whether a judge has this entry in any of his rounds: the one way judges reach an entry. */
export function isAssignedJudge(ctx: AppContext, entryId: string, judgeId: string): Promise<boolean> {
  return isAssigned(ctx.db, entryId, judgeId);
}
