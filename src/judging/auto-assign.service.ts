import { listUsers, type SessionUser } from "../accounts/accounts.service.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import { assertMay } from "../contests/lifecycle.js";
import { ConflictError, StageError } from "../lib/errors.js";
import { assignJudges, assignPartially, type AssignPair, type AssignProblem } from "./assign.js";
import { conflictTally, type ConflictCounts } from "./conflicts.js";
import * as q from "./judging.queries.js";
import { assignmentRow, panelOf, poolChange, savePool, type Panel } from "./pools.service.js";

/** Automatic assignment that says what stands in its way, and can assign all that is possible. */

export interface AutoAssignOptions {
  /** Chooses among the optimal assignments. */
  seed?: number | string;
  /** The pool to save and assign from in one step; absent: the round's saved pool. */
  judgeIds?: string[];
  /** Assign every entry that can be, and give a blocked one all its eligible judges (flagged short). */
  partial?: boolean;
}

/** An entry that cannot get judgesPerEntry judges, and why. */
export interface BlockedEntry {
  entryId: string;
  code: string;
  title: string;
  /** Pool judges it may have, and how many it needs. */
  eligible: number;
  needed: number;
  /** Pool judges it may not have, by reason (DESIGN §3): author, same unit, a unit the judge avoids, same city, declared. */
  conflicts: ConflictCounts;
  /** Active judges outside the pool whom it may have: adding them to the pool would help. */
  notInPool: number;
}

/** An entry assigned fewer than judgesPerEntry judges by a partial assignment. */
export interface ShortEntry {
  entryId: string;
  code: string;
  title: string;
  assigned: number;
  needed: number;
}

export interface AutoAssignResult {
  assignments: number;
  loads: Record<string, number>;
  mismatches: number;
  short: ShortEntry[];
}

/** Why each problem entry lacks judges: the pool's conflicts with it, and who outside the pool could help. */
async function explain(
  ctx: AppContext,
  user: SessionUser,
  panel: Panel,
  k: number,
  problems: AssignProblem[],
): Promise<BlockedEntry[]> {
  const inPool = new Set(panel.judges.map((j) => j.id));
  const active = (await listUsers(ctx, "judge")).filter((j) => !j.disabled).map((j) => j.id);
  // Every active judge as a pool, only to ask the same conflict rules (declared ones included) about each.
  const everyone = await panelOf(ctx, user, panel.contest.id, active);
  const entries = new Map(panel.entries.map((e) => [e.id, e]));
  return problems.map(({ entryId, eligible }) => {
    const entry = entries.get(entryId)!;
    const tally = conflictTally(everyone.judges, inPool, (judge) => everyone.conflict(entry, judge));
    return { entryId, code: entry.code, title: entry.title, eligible, needed: k, ...tally };
  });
}

/** The refusal of an assignment that cannot give every entry k judges: what is missing, entry by entry. */
function infeasible(panel: Panel, k: number, blocked: BlockedEntry[]): ConflictError {
  const pool = panel.judges.length;
  if (pool < k)
    return new ConflictError(
      "assignment_infeasible",
      "errors.assignPoolTooSmall",
      { pool, k, more: k - pool },
      { reason: "too_few_judges", needed: k, pool, more: k - pool, blocked },
    );
  return new ConflictError(
    "assignment_infeasible",
    "errors.assignBlocked",
    // The message names the first few; details.blocked (and the page) has them all.
    {
      count: blocked.length,
      k,
      entries: [...blocked.slice(0, 10).map((b) => b.code), ...(blocked.length > 10 ? ["…"] : [])],
    },
    { reason: "too_few_eligible", needed: k, pool, blocked },
  );
}

/**
 * Assigns the round's entries to its pool (POST /contests/:id/assignments/auto): exactly
 * judgesPerEntry distinct judges each, no conflicts, balanced loads, expertise matched where
 * possible (optimal, src/judging/assign.ts); a final round gives every finalist the whole panel.
 * With `judgeIds` the pool is saved in the same step; with `partial` blocked entries get what they
 * can and are answered as short. A refusal writes nothing, the pool included.
 */
export async function autoAssign(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  options: AutoAssignOptions = {},
): Promise<AutoAssignResult> {
  const { seed = 0, judgeIds, partial = false } = options;
  const panel = await panelOf(ctx, user, contestId, judgeIds);
  assertMay(panel.contest, "assignJudges");
  const { round } = panel.settings;
  if (round.status !== "open") throw new StageError("errors.roundClosed", { round: round.name });
  if ((await q.countScored(ctx.db, round.id)) > 0)
    throw new ConflictError("assignments_scored", "errors.assignmentsScored");
  if (panel.entries.length === 0) throw new ConflictError("no_entries", "errors.noEntriesToAssign");
  const k = panel.settings.judgesPerEntry;
  if (panel.judges.length === 0)
    throw new ConflictError("pool_empty", "errors.assignPoolEmpty", {}, { reason: "pool_empty", needed: k, pool: 0 });
  let pairs: AssignPair[];
  let mismatches = 0;
  let short: ShortEntry[] = [];
  if (k === null) {
    pairs = panel.entries.flatMap((e) =>
      panel.judges.filter((j) => !panel.conflict(e, j)).map((j) => ({ entryId: e.id, judgeId: j.id })),
    );
  } else {
    const input = {
      entries: panel.entries.map((e) => ({ id: e.id, theme: e.category })),
      judges: panel.judges.map((j) => ({ id: j.id, expertise: j.expertise })),
      judgesPerEntry: k,
      isConflict: (ei: number, ji: number) => panel.conflict(panel.entries[ei], panel.judges[ji]) !== null,
      seed,
    };
    if (partial) {
      const result = assignPartially(input);
      const entries = new Map(panel.entries.map((e) => [e.id, e]));
      ({ pairs, mismatches } = result);
      short = result.short.map(({ entryId, eligible }) => {
        const { code, title } = entries.get(entryId)!;
        return { entryId, code, title, assigned: eligible, needed: k };
      });
    } else {
      const result = assignJudges(input);
      if (!result.ok) throw infeasible(panel, k, await explain(ctx, user, panel, k, result.problems));
      ({ pairs, mismatches } = result);
    }
  }
  const now = ctx.clock.now().toISOString();
  const change = judgeIds && (await poolChange(ctx, round, judgeIds));
  await ctx.db.transaction(async (trx) => {
    if (judgeIds && change) await savePool(ctx, trx, user, panel.contest, round, judgeIds, change);
    await q.deleteAssignments(
      trx,
      (await q.assignmentsOfRound(trx, round.id)).map((a) => a.id),
    );
    await q.insertAssignments(
      trx,
      pairs.map((p) => assignmentRow(round.id, p.entryId, p.judgeId, now)),
    );
    await recordAudit(trx, ctx.clock, {
      actorId: user.id,
      action: "judging.auto",
      targetType: "contest",
      targetId: panel.contest.id,
      details: {
        round: round.number,
        seed,
        assignments: pairs.length,
        mismatches,
        ...(partial ? { short: short.map((s) => `${s.code}: ${s.assigned}/${s.needed}`) } : {}),
      },
    });
  });
  const loads: Record<string, number> = Object.fromEntries(panel.judges.map((j) => [j.id, 0]));
  for (const p of pairs) loads[p.judgeId] = (loads[p.judgeId] ?? 0) + 1;
  return { assignments: pairs.length, loads, mismatches, short };
}
