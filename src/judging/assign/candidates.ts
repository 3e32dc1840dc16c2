// Which eligible (entry, judge) pairs the flow network holds. All pairs at 100,000 entries × 5,000
// judges are 475 million edges: gigabytes, and a minute just to lay out. The optimum uses 5 per
// entry, so the network starts from a few dozen candidates per entry, spread evenly over the
// judges and over those who know the entry's theme; ./pricing.ts then proves the optimum found
// there optimal over all pairs, or names the pairs to add. Conflicts are kept instead of eligible
// pairs: at most a few percent of all pairs in practice.

import { buildEligibilityGraph, type EligibilityGraph } from "./eligibility-graph.js";

/**
 * Share of an entry's candidates taken among the judges who know its theme. Measured on the bench
 * instances (10,000 × 480–500 and 30,000 × 1,500, skew 0–3): at 0.5 a second pricing round was
 * often needed, at 0.7 rarely, at 0.85 the judges spread too thin and rounds multiplied.
 */
const THEME_SHARE = 0.7;

/** An assignment instance in internal indices (entries and judges in the seed's shuffled orders). */
export interface FlowInstance {
  readonly entryCount: number;
  readonly judgeCount: number;
  readonly themeCount: number;
  /** Theme number of each entry, or -1 (no theme: never a mismatch). */
  readonly entryTheme: Int32Array;
  /** knows[judge * themeCount + theme] is 1 when the judge's expertise covers the theme. */
  readonly knows: Uint8Array;
  /** Conflicting judges of entry i, ascending: conflictJudge[conflictStart[i] .. conflictStart[i + 1] - 1]. */
  readonly conflictStart: Int32Array;
  readonly conflictJudge: Int32Array;
  /** Judges to give each entry: judgesPerEntry, or all its eligible ones if fewer. */
  readonly demand: Int32Array;
}

/** 1 when judge j does not know entry i's theme (a mismatch), else 0. */
export function pairCost(instance: FlowInstance, entry: number, judge: number): number {
  const theme = instance.entryTheme[entry];
  return theme >= 0 && instance.knows[judge * instance.themeCount + theme] === 0 ? 1 : 0;
}

/** Conflicts of every (entry, judge) pair, asked once each, in internal order. */
export function conflictTable(
  entryOrder: Int32Array,
  judgeOrder: Int32Array,
  isConflict: (entryIndex: number, judgeIndex: number) => boolean,
): { conflictStart: Int32Array; conflictJudge: Int32Array } {
  const n = entryOrder.length;
  const p = judgeOrder.length;
  const conflictStart = new Int32Array(n + 1);
  let conflictJudge = new Int32Array(1024);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const entry = entryOrder[i];
    for (let j = 0; j < p; j++) {
      if (!isConflict(entry, judgeOrder[j])) continue;
      if (count === conflictJudge.length) conflictJudge = grown(conflictJudge);
      conflictJudge[count++] = j;
    }
    conflictStart[i + 1] = count;
  }
  return { conflictStart, conflictJudge: conflictJudge.slice(0, count) };
}

/** Pairs added to the candidates (by pricing), kept across rebuilds. */
export class ExtraPairs {
  entry = new Int32Array(1024);
  judge = new Int32Array(1024);
  count = 0;

  add(entry: number, judge: number): void {
    if (this.count === this.entry.length) {
      this.entry = grown(this.entry);
      this.judge = grown(this.judge);
    }
    this.entry[this.count] = entry;
    this.judge[this.count++] = judge;
  }
}

/**
 * The network over each entry's candidates: all its eligible judges when it has at most
 * `perEntry`, else THEME_SHARE of `perEntry` taken in turn among the judges who know its theme and
 * the rest in turn among all judges (so candidate degrees are even across judges), plus `extra`.
 * `full` is true when every entry holds all its eligible judges: the graph is then the whole one.
 */
export function candidateGraph(
  instance: FlowInstance,
  perEntry: number,
  extra: ExtraPairs,
): { graph: EligibilityGraph; full: boolean } {
  const { entryCount: n, judgeCount: p, themeCount, entryTheme, knows, conflictStart, conflictJudge } = instance;
  const themeJudges = Array.from({ length: themeCount }, (_, theme) => {
    const list: number[] = [];
    for (let j = 0; j < p; j++) if (knows[j * themeCount + theme] === 1) list.push(j);
    return Int32Array.from(list);
  });
  const allJudges = Int32Array.from({ length: p }, (_, j) => j);
  const themeCursor = new Int32Array(themeCount);
  let allCursor = 0;
  const extraStart = new Int32Array(n + 1);
  for (let x = 0; x < extra.count; x++) extraStart[extra.entry[x] + 1]++;
  for (let i = 0; i < n; i++) extraStart[i + 1] += extraStart[i];
  const extraJudge = new Int32Array(extra.count);
  const extraFill = extraStart.slice(0, n);
  for (let x = 0; x < extra.count; x++) extraJudge[extraFill[extra.entry[x]]++] = extra.judge[x];

  // stamp[j] === i + 1: judge j conflicts with entry i or is already picked for it.
  const stamp = new Int32Array(p);
  const entryStart = new Int32Array(n + 1);
  let edgeJudge = new Int32Array(1024);
  let count = 0;
  let full = true;
  const take = (j: number, i: number): void => {
    stamp[j] = i + 1;
    if (count === edgeJudge.length) edgeJudge = grown(edgeJudge);
    edgeJudge[count++] = j;
  };
  /** Takes up to `want` judges of `list` from `cursor` on, skipping stamped ones; returns the new cursor. */
  const takeInTurn = (list: Int32Array, cursor: number, want: number, i: number): number => {
    let at = cursor;
    for (let scanned = 0; scanned < list.length && want > 0; scanned++) {
      const j = list[at];
      at = at + 1 === list.length ? 0 : at + 1;
      if (stamp[j] === i + 1) continue;
      take(j, i);
      want--;
    }
    return at;
  };
  for (let i = 0; i < n; i++) {
    const first = count;
    const conflicts = conflictStart[i + 1] - conflictStart[i];
    if (p - conflicts <= perEntry) {
      for (let c = conflictStart[i]; c < conflictStart[i + 1]; c++) stamp[conflictJudge[c]] = i + 1;
      for (let j = 0; j < p; j++) if (stamp[j] !== i + 1) take(j, i);
    } else {
      full = false;
      for (let c = conflictStart[i]; c < conflictStart[i + 1]; c++) stamp[conflictJudge[c]] = i + 1;
      const theme = entryTheme[i];
      let want = perEntry;
      if (theme >= 0) {
        const before = count;
        themeCursor[theme] = takeInTurn(themeJudges[theme], themeCursor[theme], Math.floor(perEntry * THEME_SHARE), i);
        want -= count - before;
      }
      allCursor = takeInTurn(allJudges, allCursor, want, i);
      for (let x = extraStart[i]; x < extraStart[i + 1]; x++) {
        if (stamp[extraJudge[x]] !== i + 1) take(extraJudge[x], i);
      }
      edgeJudge.subarray(first, count).sort();
    }
    entryStart[i + 1] = count;
  }
  edgeJudge = edgeJudge.slice(0, count);
  const edgeCost = new Uint8Array(count);
  for (let i = 0; i < n; i++) {
    for (let e = entryStart[i]; e < entryStart[i + 1]; e++) edgeCost[e] = pairCost(instance, i, edgeJudge[e]);
  }
  return { graph: buildEligibilityGraph(n, p, entryStart, edgeJudge, edgeCost), full };
}

function grown(array: Int32Array): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
