import type { Knex } from "knex";
import { listUsers } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import type { Contest } from "../contests/contests.service.js";
import { ConflictError } from "../lib/errors.js";
import { assignmentRow, conflictOptions } from "./pools.service.js";
import { conflictOf } from "./conflicts.js";
import * as q from "./judging.queries.js";
import { currentRound, roundEntries } from "./rounds.service.js";

/**
 * Who may re-score an entry after an upheld objection (DESIGN §3 "a fresh judge"): an active judge
 * who has not judged it in the current round and has no conflict with it, in name order.
 */
export async function rescoreCandidates(
  ctx: AppContext,
  contest: Contest,
  entryId: string,
): Promise<{ id: string; name: string }[]> {
  const round = await currentRound(ctx, ctx.db, contest);
  const entry = (await roundEntries(ctx, contest, round)).find((e) => e.id === entryId);
  if (!entry) return [];
  const judges = (await listUsers(ctx, "judge")).filter((j) => !j.disabled);
  const taken = new Set(
    (await q.assignmentsOfRound(ctx.db, round.id)).filter((a) => a.entryId === entryId).map((a) => a.judgeId),
  );
  const options = await conflictOptions(ctx.db, contest, judges);
  return judges
    .filter((j) => !taken.has(j.id) && !conflictOf(entry, j, options))
    .map((j) => ({ id: j.id, name: j.name }))
    .sort((a, b) => a.name.localeCompare(b.name, "zh-CN"));
}

/**
 * An upheld objection orders re-scoring: the fresh judge is added to the round's panel and given the
 * entry, which he may score during the notice (scoring.service). Inside the caller's transaction;
 * answers the new assignment's id.
 */
export async function orderRescore(
  ctx: AppContext,
  trx: Knex,
  contest: Contest,
  entryId: string,
  judgeId: string,
): Promise<string> {
  const inTransaction: AppContext = { ...ctx, db: trx };
  if (!(await rescoreCandidates(inTransaction, contest, entryId)).some((j) => j.id === judgeId))
    throw new ConflictError("rescore_judge", "errors.rescoreJudge");
  const round = await currentRound(inTransaction, trx, contest);
  const pool = await q.poolOf(trx, round.id);
  if (!pool.includes(judgeId)) await q.replacePool(trx, round.id, [...pool, judgeId]);
  const now = ctx.clock.now().toISOString();
  const row = assignmentRow(round.id, entryId, judgeId, now);
  await q.insertAssignments(trx, [row]);
  await q.markRescore(trx, row.id);
  return row.id;
}

/** A re-scoring assignment's status, for republishing once it is submitted. */
export async function rescoreStatus(ctx: AppContext, assignmentId: string): Promise<string | null> {
  return (await q.findAssignment(ctx.db, assignmentId))?.status ?? null;
}
