// Exact optimal judge assignment (DESIGN §3 "Assignment"). Pure: data in, data out; the only
// randomness is a PRNG seeded from `seed`.
//
// Order of objectives, as DESIGN §3 states them:
//   1. each entry gets exactly judgesPerEntry distinct judges, never a conflicting one;
//   2. judges' loads are as even as possible: the spread (max load − min load) is minimal, which
//      means every load is ⌊m⌋ or ⌈m⌉ (m = entries × k ÷ judges) whenever conflicts allow it;
//   3. subject to that, the number of mismatches (judge's expertise lacks the entry's theme) is
//      minimal. An entry without a theme never counts as a mismatch.
//
// Why the load bounds can be fixed first: in this bipartite network every cut condition
// (Hoffman's circulation theorem) involves either the lower load bound or the upper one, never
// both, so "every load ≥ L" and "every load ≤ U" are each feasible exactly when both together
// are. Hence the minimal spread is U* − L* with L* the largest feasible lower bound and U* the
// smallest feasible upper bound, and the assignments of minimal spread are exactly those with all
// loads in [L*, U*]. We try [⌊m⌋, ⌈m⌉] first; only when that fails are L* and U* found by
// binary search over max-flows. Then one min-cost flow (costs 0/1) with those bounds gives the
// fewest mismatches; see ./assign/load-bounded-flow.ts. Large instances run that flow on a few
// dozen candidate judges per entry and prove the result optimal over all pairs (./assign/solve.ts).
//
// assignPartially keeps all of this when some entries have fewer than judgesPerEntry eligible
// judges: such an entry demands all its eligible judges instead, the others k, and the same flow
// runs over those demands (the load-bound argument holds for any demands).
//
// The seed shuffles the order in which entries and judges are explored, so it picks one of the
// optimal assignments: the same input and seed always give the same output.

import { conflictTable, type FlowInstance } from "./assign/candidates.js";
import type { EligibilityGraph } from "./assign/eligibility-graph.js";
import { mulberry32, seedToUint32, shuffledIndices } from "./assign/prng.js";
import { DEFAULT_TUNING, solveInstance, type SolveTuning } from "./assign/solve.js";

export interface AssignEntry {
  id: string;
  theme: string | null;
}

export interface AssignJudge {
  id: string;
  /** Themes this judge is expert in; matched to entry themes by exact string equality. */
  expertise: string[];
}

export interface AssignInput {
  entries: AssignEntry[];
  judges: AssignJudge[];
  judgesPerEntry: number;
  /**
   * True when judge `judges[judgeIndex]` must not judge entry `entries[entryIndex]` (same unit,
   * same city when the contest says so, a declared conflict, an author). Called once per
   * (entry, judge) pair, so it should be a cheap lookup.
   */
  isConflict: (entryIndex: number, judgeIndex: number) => boolean;
  /** Chooses among the optimal assignments; default 0. */
  seed?: number | string;
}

export interface AssignPair {
  entryId: string;
  judgeId: string;
}

export interface AssignProblem {
  entryId: string;
  /** Number of judges without a conflict with this entry. */
  eligible: number;
}

/** A valid assignment and what it costs. */
export interface AssignOk {
  ok: true;
  /** Grouped by entry in input order; within an entry, judges in input order. */
  pairs: AssignPair[];
  /** Judge id → number of entries assigned to that judge (every judge is present). */
  loads: Record<string, number>;
  mismatches: number;
  minLoad: number;
  maxLoad: number;
}

export type AssignResult =
  | AssignOk
  | {
      ok: false;
      /** too_few_judges: the pool has fewer judges than judgesPerEntry. */
      reason: "too_few_judges" | "too_few_eligible";
      /** Entries (in input order) with fewer than judgesPerEntry eligible judges. */
      problems: AssignProblem[];
    };

/** An assignment as far as it goes, and the entries it leaves short. */
export interface PartialAssignResult extends AssignOk {
  /** Entries (in input order) with fewer than judgesPerEntry eligible judges: each got all of them. */
  short: AssignProblem[];
}

/**
 * Assigns `judgesPerEntry` judges to every entry, exactly optimally (see the file comment).
 * Throws RangeError for malformed input (judgesPerEntry not a positive integer, duplicate ids);
 * answers ok:false when no valid assignment exists. `tuning` sizes the candidate networks: it
 * changes the speed, never the optimum (tests pass the thinnest ones to reach every path).
 */
export function assignJudges(input: AssignInput, tuning: SolveTuning = DEFAULT_TUNING): AssignResult {
  const prepared = prepare(input);
  const { problems } = prepared;
  if (input.entries.length > 0 && input.judges.length < input.judgesPerEntry)
    return { ok: false, reason: "too_few_judges", problems };
  if (problems.length > 0) return { ok: false, reason: "too_few_eligible", problems };
  return assignPrepared(input, prepared, tuning);
}

/**
 * Assigns as far as conflicts allow, for when some entries have fewer than judgesPerEntry eligible
 * judges: every other entry gets its full judgesPerEntry and each short one all its eligible judges.
 * The same objectives, exactly optimal, over those demands (loads ⌊m⌋/⌈m⌉ with m = the pairs to
 * give ÷ judges, or minimal spread; then fewest mismatches). Where assignJudges succeeds, the two
 * give the same answer.
 */
export function assignPartially(input: AssignInput, tuning: SolveTuning = DEFAULT_TUNING): PartialAssignResult {
  const prepared = prepare(input);
  return { ...assignPrepared(input, prepared, tuning), short: prepared.problems };
}

interface Prepared {
  instance: FlowInstance;
  entryOrder: Int32Array;
  judgeOrder: Int32Array;
  problems: AssignProblem[];
}

function prepare(input: AssignInput): Prepared {
  const { entries, judges, judgesPerEntry: k, isConflict } = input;
  validate(input);
  const n = entries.length;
  const p = judges.length;
  const random = mulberry32(seedToUint32(input.seed ?? 0));
  const entryOrder = shuffledIndices(n, random);
  const judgeOrder = shuffledIndices(p, random);
  const { conflictStart, conflictJudge } = conflictTable(entryOrder, judgeOrder, isConflict);

  const demand = new Int32Array(n);
  const eligibleByEntry = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const eligible = p - (conflictStart[i + 1] - conflictStart[i]);
    demand[i] = Math.min(k, eligible);
    eligibleByEntry[entryOrder[i]] = eligible;
  }
  const problems: AssignProblem[] = [];
  for (let e = 0; e < n; e++) {
    if (eligibleByEntry[e] < k) problems.push({ entryId: entries[e].id, eligible: eligibleByEntry[e] });
  }
  const instance = { ...themes(entries, judges, entryOrder, judgeOrder), conflictStart, conflictJudge, demand };
  return { instance, entryOrder, judgeOrder, problems };
}

function assignPrepared(
  input: AssignInput,
  { instance, entryOrder, judgeOrder }: Prepared,
  tuning: SolveTuning,
): AssignOk {
  const { graph, flow } = solveInstance(instance, tuning);
  return describe(input, graph, flow.assigned, entryOrder, judgeOrder);
}

function validate(input: AssignInput): void {
  if (!Number.isInteger(input.judgesPerEntry) || input.judgesPerEntry < 1) {
    throw new RangeError(`judgesPerEntry must be a positive integer, got ${input.judgesPerEntry}`);
  }
  const seenEntries = new Set<string>();
  for (const entry of input.entries) {
    if (seenEntries.has(entry.id)) throw new RangeError(`duplicate entry id ${entry.id}`);
    seenEntries.add(entry.id);
  }
  const seenJudges = new Set<string>();
  for (const judge of input.judges) {
    if (seenJudges.has(judge.id)) throw new RangeError(`duplicate judge id ${judge.id}`);
    seenJudges.add(judge.id);
  }
}

/** Entries' themes as numbers (only themes some entry has matter) and what each judge knows of them. */
function themes(
  entries: AssignEntry[],
  judges: AssignJudge[],
  entryOrder: Int32Array,
  judgeOrder: Int32Array,
): Pick<FlowInstance, "entryCount" | "judgeCount" | "themeCount" | "entryTheme" | "knows"> {
  const n = entries.length;
  const p = judges.length;
  const themeIds = new Map<string, number>();
  const entryTheme = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const theme = entries[entryOrder[i]].theme;
    if (theme === null) {
      entryTheme[i] = -1;
      continue;
    }
    let id = themeIds.get(theme);
    if (id === undefined) {
      id = themeIds.size;
      themeIds.set(theme, id);
    }
    entryTheme[i] = id;
  }
  const themeCount = themeIds.size;
  const knows = new Uint8Array(p * themeCount);
  for (let j = 0; j < p; j++) {
    for (const theme of judges[judgeOrder[j]].expertise) {
      const id = themeIds.get(theme);
      if (id !== undefined) knows[j * themeCount + id] = 1;
    }
  }
  return { entryCount: n, judgeCount: p, themeCount, entryTheme, knows };
}

function describe(
  input: AssignInput,
  graph: EligibilityGraph,
  assigned: Uint8Array,
  entryOrder: Int32Array,
  judgeOrder: Int32Array,
): AssignOk {
  const { entries, judges, judgesPerEntry: k } = input;
  const n = entries.length;
  const p = judges.length;
  // Judges of original entry e, as original judge indices, at byEntry[e*k .. e*k+filled[e]-1].
  const byEntry = new Int32Array(n * k);
  const filled = new Int32Array(n);
  const loadByJudge = new Int32Array(p);
  let mismatches = 0;
  for (let i = 0; i < n; i++) {
    const entry = entryOrder[i];
    for (let edge = graph.entryStart[i]; edge < graph.entryStart[i + 1]; edge++) {
      if (assigned[edge] === 0) continue;
      const judge = judgeOrder[graph.edgeJudge[edge]];
      byEntry[entry * k + filled[entry]++] = judge;
      loadByJudge[judge]++;
      mismatches += graph.edgeCost[edge];
    }
  }
  const pairs: AssignPair[] = [];
  for (let e = 0; e < n; e++) {
    const chosen = byEntry.subarray(e * k, e * k + filled[e]).sort();
    for (const judge of chosen) pairs.push({ entryId: entries[e].id, judgeId: judges[judge].id });
  }
  let minLoad = p > 0 ? loadByJudge[0] : 0;
  let maxLoad = minLoad;
  for (const load of loadByJudge) {
    minLoad = Math.min(minLoad, load);
    maxLoad = Math.max(maxLoad, load);
  }
  const loads = Object.fromEntries(judges.map((judge, j) => [judge.id, loadByJudge[j]]));
  return { ok: true, pairs, loads, mismatches, minLoad, maxLoad };
}
