// The optimality certificate over all eligible pairs, for a min-cost flow found on candidate pairs
// only (./candidates.ts). The flow's node potentials give every residual edge of the candidate
// network a reduced cost ≥ 0. A pair left out of the network is an unused entry → judge edge; if
// its reduced cost cost + potential(entry) − potential(judge) is ≥ 0 too, for every such pair, the
// same potentials prove the flow optimal in the whole network (no negative residual cycle).
// Checking 475 million pairs one by one would cost what the candidates save, but the cost of a
// pair depends only on the entry's theme and on the judge's expertise: among the judges of one
// expertise, only those of potential above potential(entry) + cost can fail, so each entry looks
// at the top of each expertise class (sorted by potential) and stops at the first that passes.

import { pairCost, type ExtraPairs, type FlowInstance } from "./candidates.js";
import type { EligibilityGraph } from "./eligibility-graph.js";

/**
 * Adds to `extra` every eligible pair whose edge is missing from `graph` and has a negative
 * reduced cost under `potential` (nodes: entries 0..n−1, then judges), at most `perClass` per
 * entry and expertise class; returns how many were added (0: the flow is optimal over all pairs).
 */
export function addImprovingPairs(
  instance: FlowInstance,
  graph: EligibilityGraph,
  assigned: Uint8Array,
  potential: Int32Array,
  extra: ExtraPairs,
  perClass: number,
): number {
  const { entryCount: n, judgeCount: p, conflictStart, conflictJudge } = instance;
  const classes = expertiseClasses(instance);
  for (const members of classes) members.sort((a, b) => potential[n + b] - potential[n + a] || a - b);
  const before = extra.count;
  // stamp[j] === i + 1: judge j conflicts with entry i or is assigned to it (no entry → judge edge).
  const stamp = new Int32Array(p);
  for (let i = 0; i < n; i++) {
    for (let c = conflictStart[i]; c < conflictStart[i + 1]; c++) stamp[conflictJudge[c]] = i + 1;
    for (let e = graph.entryStart[i]; e < graph.entryStart[i + 1]; e++) {
      if (assigned[e] === 1) stamp[graph.edgeJudge[e]] = i + 1;
    }
    const entryPotential = potential[i];
    for (const members of classes) {
      // Candidate pairs left unused already pass, so any failing pair found here is a missing one.
      const limit = entryPotential + pairCost(instance, i, members[0]);
      let added = 0;
      for (let m = 0; m < members.length && added < perClass; m++) {
        const j = members[m];
        if (potential[n + j] <= limit) break;
        if (stamp[j] === i + 1) continue;
        extra.add(i, j);
        added++;
      }
    }
  }
  return extra.count - before;
}

/** Judges grouped by what they know of the entries' themes (so a pair's cost depends on the class). */
function expertiseClasses(instance: FlowInstance): Int32Array[] {
  const { judgeCount: p, themeCount, knows } = instance;
  const byKey = new Map<string, number[]>();
  for (let j = 0; j < p; j++) {
    const key = knows.subarray(j * themeCount, (j + 1) * themeCount).join("");
    const members = byKey.get(key);
    if (members === undefined) byKey.set(key, [j]);
    else members.push(j);
  }
  return [...byKey.values()].map((members) => Int32Array.from(members));
}
