// The min-cost flow with the tightest feasible load bounds (see ../assign.ts for why the bounds can
// be fixed first), over candidate pairs first and over all pairs only when it must.

import { candidateGraph, ExtraPairs, type FlowInstance } from "./candidates.js";
import type { EligibilityGraph } from "./eligibility-graph.js";
import { LoadBoundedFlow } from "./load-bounded-flow.js";
import { addImprovingPairs } from "./pricing.js";

export interface SolveTuning {
  /**
   * Candidate judges per judge wanted, in the first network (25 per entry for k = 5). Measured at
   * 30,000 × 1,500 × 5 before widening existed: 24 per entry needed one round, 16 six, 12 thirteen
   * (on too few pairs the flow finds potentials that too many left-out pairs beat).
   */
  candidatesPerDemand: number;
  /** Missing pairs added per entry and expertise class each time the certificate fails. */
  pairsPerClass: number;
}

export const DEFAULT_TUNING: SolveTuning = { candidatesPerDemand: 5, pairsPerClass: 4 };

/**
 * An optimal flow and the graph it lives on. On candidate pairs, a flow with loads ⌊m⌋..⌈m⌉
 * whose certificate holds over all pairs is the answer. When the candidates cannot balance the
 * loads they are widened ×4; when the certificate fails, the pairs it names are added, and when
 * they are many (over 1/8 of the network) the candidates are also widened ×2, so rounds stay few
 * even where the first network was too thin. Each round adds pairs, so it ends, at worst, at all
 * pairs, where the load bounds are searched.
 */
export function solveInstance(
  instance: FlowInstance,
  tuning: SolveTuning,
): { graph: EligibilityGraph; flow: LoadBoundedFlow } {
  const { demand, judgeCount: p } = instance;
  const total = demand.reduce((sum, d) => sum + d, 0);
  const extra = new ExtraPairs();
  let perEntry = tuning.candidatesPerDemand * demand.reduce((most, d) => Math.max(most, d), 0);
  for (;;) {
    const { graph, full } = candidateGraph(instance, perEntry, extra);
    if (full || total === 0) return { graph, flow: solveWhole(graph, demand, total) };
    const balanced = new LoadBoundedFlow(graph, demand, Math.floor(total / p), Math.ceil(total / p), true);
    if (balanced.minCostFlow() !== total) perEntry *= 4;
    else if (
      addImprovingPairs(instance, graph, balanced.assigned, balanced.potential, extra, tuning.pairsPerClass) > 0
    ) {
      if (extra.count * 8 > graph.edgeCount) perEntry *= 2;
    } else return { graph, flow: balanced };
  }
}

/** Min-cost flow with the tightest feasible load bounds on a graph holding every eligible pair. */
function solveWhole(graph: EligibilityGraph, demand: Int32Array, total: number): LoadBoundedFlow {
  const n = graph.entryCount;
  const p = graph.judgeCount;
  if (total === 0) return new LoadBoundedFlow(graph, demand, 0, 0, true);
  const floorMean = Math.floor(total / p);
  const ceilMean = Math.ceil(total / p);
  const balanced = new LoadBoundedFlow(graph, demand, floorMean, ceilMean, true);
  if (balanced.minCostFlow() === total) return balanced;

  let minDegree = n;
  let maxDegree = 0;
  for (let j = 0; j < p; j++) {
    const degree = graph.judgeStart[j + 1] - graph.judgeStart[j];
    minDegree = Math.min(minDegree, degree);
    maxDegree = Math.max(maxDegree, degree);
  }
  // Largest L such that every judge can get at least L entries (L = 0 always can).
  const lower = lastTrue(0, Math.min(floorMean, minDegree), (bound) => {
    const probe = new LoadBoundedFlow(graph, demand, bound, bound, false);
    return probe.maxFlow() === p * bound;
  });
  // Smallest U such that no judge needs more than U entries (U = max degree always suffices,
  // since no entry demands more judges than it has eligible ones).
  const upper = firstTrue(ceilMean, Math.max(ceilMean, maxDegree), (bound) => {
    const probe = new LoadBoundedFlow(graph, demand, bound, bound, false);
    return probe.maxFlow() === total;
  });
  const best = new LoadBoundedFlow(graph, demand, lower, upper, true);
  if (best.minCostFlow() !== total) {
    throw new Error("assignJudges: load bounds proven feasible separately are infeasible together");
  }
  return best;
}

/** Largest value in [low, high] for which a monotone (true…true false…false) test holds. */
function lastTrue(low: number, high: number, test: (value: number) => boolean): number {
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (test(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Smallest value in [low, high] for which a monotone (false…false true…true) test holds. */
function firstTrue(low: number, high: number, test: (value: number) => boolean): number {
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (test(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}
