// The bipartite graph of eligible (entry, judge) pairs the flow runs on (all of them, or the
// candidates of ./candidates.ts), stored as two CSR adjacency structures (by entry and by judge) in
// typed arrays: millions of pairs must not become millions of objects.

export interface EligibilityGraph {
  readonly entryCount: number;
  readonly judgeCount: number;
  readonly edgeCount: number;
  /** Edges of entry i are entryStart[i] .. entryStart[i + 1] - 1. */
  readonly entryStart: Int32Array;
  readonly edgeJudge: Int32Array;
  /** 1 when the judge's expertise does not include the entry's theme, else 0. */
  readonly edgeCost: Uint8Array;
  /** Slots of judge j are judgeStart[j] .. judgeStart[j + 1] - 1; each slot names one edge. */
  readonly judgeStart: Int32Array;
  readonly slotEdge: Int32Array;
  readonly slotEntry: Int32Array;
  readonly slotCost: Uint8Array;
  /** The judge-side slot of each edge, so both views can be kept in step. */
  readonly edgeSlot: Int32Array;
}

/**
 * Builds the graph from its entry side: the edges of internal entry i are entryStart[i] ..
 * entryStart[i + 1] - 1, each naming a judge (ascending within an entry) and its cost. The arrays
 * are kept, not copied. All indices here are internal ones.
 */
export function buildEligibilityGraph(
  entryCount: number,
  judgeCount: number,
  entryStart: Int32Array,
  edgeJudge: Int32Array,
  edgeCost: Uint8Array,
): EligibilityGraph {
  const edgeCount = entryStart[entryCount];
  // Judge-side view by counting sort; entries stay in increasing order within each judge.
  const judgeStart = new Int32Array(judgeCount + 1);
  for (let e = 0; e < edgeCount; e++) judgeStart[edgeJudge[e] + 1]++;
  for (let j = 0; j < judgeCount; j++) judgeStart[j + 1] += judgeStart[j];
  const fill = judgeStart.slice(0, judgeCount);
  const slotEdge = new Int32Array(edgeCount);
  const slotEntry = new Int32Array(edgeCount);
  const slotCost = new Uint8Array(edgeCount);
  const edgeSlot = new Int32Array(edgeCount);
  for (let i = 0; i < entryCount; i++) {
    for (let e = entryStart[i]; e < entryStart[i + 1]; e++) {
      const slot = fill[edgeJudge[e]]++;
      slotEdge[slot] = e;
      slotEntry[slot] = i;
      slotCost[slot] = edgeCost[e];
      edgeSlot[e] = slot;
    }
  }
  return {
    entryCount,
    judgeCount,
    edgeCount,
    entryStart,
    edgeJudge,
    edgeCost,
    judgeStart,
    slotEdge,
    slotEntry,
    slotCost,
    edgeSlot,
  };
}
