// Min-cost flow for the judge assignment, on this network:
//
//   S ──demand──▶ entry ──1, cost 0|1──▶ judge ──lower──▶ T
//                                           └──upper−lower──▶ X ──total − judges×lower──▶ T
//
// An entry's demand is the number of judges it is to get (k, or fewer for an entry assigned as
// far as it can be); total is the sum of the demands. A flow of total saturates every judge→T
// edge (the X→T edge cannot carry the rest otherwise), so every judge's load lies in
// [lower, upper]: lower bounds become a plain max-flow condition and all costs stay 0 or 1.
//
// The algorithm is the primal-dual form of successive shortest paths: a Dijkstra on reduced
// costs (bucket queue: costs are small integers) updates the node potentials, then Dinic finds a
// maximum flow in the subgraph of zero-reduced-cost edges. Every augmentation therefore follows a
// shortest path, which keeps the flow of minimum cost for its value; the number of phases is the
// number of distinct shortest-path lengths, a handful here because costs are only 0 or 1. Every
// S→T path starts S→entry→judge over a unit edge, so every augmentation carries exactly one unit.

import type { EligibilityGraph } from "./eligibility-graph.js";

const UNREACHED = 0x3fffffff;

export class LoadBoundedFlow {
  /** 1 when the edge (entry, judge) carries flow, that is the judge is assigned to the entry. */
  readonly assigned: Uint8Array;
  /** Units of flow sent so far (assigned pairs). */
  flow = 0;

  private readonly n: number;
  private readonly p: number;
  private readonly x: number;
  private readonly s: number;
  private readonly t: number;
  /** Judges wanted per entry, by internal entry index. */
  private readonly demand: Int32Array;
  private readonly capFixed: number;
  private readonly capExtra: number;
  private readonly capExtraTotal: number;
  private readonly edgeCost: Uint8Array;
  private readonly slotCost: Uint8Array;

  /** The same flags as `assigned`, in judge-side slot order, so judge scans read memory in order. */
  private readonly slotAssigned: Uint8Array;
  private readonly entryLoad: Int32Array;
  private readonly judgeFixed: Int32Array;
  private readonly judgeExtra: Int32Array;
  private extraTotal = 0;

  /** Node potentials (entries 0..n−1, then judges): every residual edge has reduced cost ≥ 0. */
  readonly potential: Int32Array;
  private readonly level: Int32Array;
  private readonly queue: Int32Array;
  private readonly arc: Int32Array;
  private readonly path: Int32Array;
  private readonly pathEdge: Int32Array;
  private readonly dist: Int32Array;
  private readonly settled: Uint8Array;
  private readonly buckets: number[][] = [];

  /**
   * `lower`/`upper` bound every judge's load; `useCosts` false turns this into a plain max-flow
   * (all costs taken as 0), used to test whether load bounds are feasible at all.
   */
  constructor(
    private readonly graph: EligibilityGraph,
    demand: Int32Array,
    lower: number,
    upper: number,
    useCosts: boolean,
  ) {
    const n = graph.entryCount;
    const p = graph.judgeCount;
    this.n = n;
    this.p = p;
    this.x = n + p;
    this.s = n + p + 1;
    this.t = n + p + 2;
    const nodes = n + p + 3;
    this.demand = demand;
    this.capFixed = lower;
    this.capExtra = Math.max(0, upper - lower);
    this.capExtraTotal = Math.max(0, demand.reduce((sum, d) => sum + d, 0) - p * lower);
    this.edgeCost = useCosts ? graph.edgeCost : new Uint8Array(graph.edgeCount);
    this.slotCost = useCosts ? graph.slotCost : new Uint8Array(graph.edgeCount);
    this.assigned = new Uint8Array(graph.edgeCount);
    this.slotAssigned = new Uint8Array(graph.edgeCount);
    this.entryLoad = new Int32Array(n);
    this.judgeFixed = new Int32Array(p);
    this.judgeExtra = new Int32Array(p);
    this.potential = new Int32Array(nodes);
    this.level = new Int32Array(nodes);
    this.queue = new Int32Array(nodes);
    this.arc = new Int32Array(nodes);
    this.path = new Int32Array(nodes + 1);
    this.pathEdge = new Int32Array(nodes + 1);
    this.dist = new Int32Array(nodes);
    this.settled = new Uint8Array(nodes);
  }

  /** Maximum flow ignoring costs (meaningful when constructed with useCosts false). */
  maxFlow(): number {
    while (this.buildLevels()) this.blockingFlow();
    return this.flow;
  }

  /** Minimum-cost maximum flow. */
  minCostFlow(): number {
    while (this.updatePotentials()) {
      while (this.buildLevels()) this.blockingFlow();
    }
    return this.flow;
  }

  /**
   * Dijkstra from S on reduced costs; adds min(distance, distance to T) to every potential so
   * shortest paths to T become zero-reduced-cost paths while all reduced costs stay ≥ 0.
   * Returns false when T is unreachable (the flow is maximum).
   */
  private updatePotentials(): boolean {
    const { n, x, s, t, demand, graph, dist, settled, buckets, potential } = this;
    const { entryStart, edgeJudge, judgeStart, slotEntry } = graph;
    const { edgeCost, slotCost, assigned, slotAssigned, entryLoad, judgeFixed, judgeExtra } = this;
    dist.fill(UNREACHED);
    settled.fill(0);
    const push = (node: number, d: number): void => {
      if (d < dist[node]) {
        dist[node] = d;
        while (buckets.length <= d) buckets.push([]);
        buckets[d].push(node);
      }
    };
    push(s, 0);
    let distT = -1;
    for (let d = 0; d < buckets.length && distT < 0; d++) {
      const bucket = buckets[d];
      for (let q = 0; q < bucket.length; q++) {
        const u = bucket[q];
        if (settled[u] === 1 || dist[u] !== d) continue;
        settled[u] = 1;
        if (u === t) {
          distT = d;
          break;
        }
        const pu = potential[u];
        if (u === s) {
          for (let i = 0; i < n; i++) {
            if (entryLoad[i] < demand[i]) push(i, d + pu - potential[i]);
          }
        } else if (u < n) {
          const end = entryStart[u + 1];
          for (let e = entryStart[u]; e < end; e++) {
            if (assigned[e] === 0) {
              const v = n + edgeJudge[e];
              const nd = d + edgeCost[e] + pu - potential[v];
              if (nd < dist[v]) push(v, nd);
            }
          }
        } else if (u < x) {
          const j = u - n;
          if (judgeFixed[j] < this.capFixed) push(t, d + pu - potential[t]);
          if (judgeExtra[j] < this.capExtra) push(x, d + pu - potential[x]);
          const end = judgeStart[j + 1];
          for (let slot = judgeStart[j]; slot < end; slot++) {
            if (slotAssigned[slot] === 1) {
              const v = slotEntry[slot];
              const nd = d - slotCost[slot] + pu - potential[v];
              if (nd < dist[v]) push(v, nd);
            }
          }
        } else if (u === x) {
          if (this.extraTotal < this.capExtraTotal) push(t, d + pu - potential[t]);
          for (let j = 0; j < this.p; j++) {
            if (judgeExtra[j] > 0) push(n + j, d + pu - potential[n + j]);
          }
        }
      }
    }
    for (const bucket of buckets) bucket.length = 0;
    if (distT < 0) return false;
    for (let v = 0; v < potential.length; v++) {
      potential[v] += dist[v] < distT ? dist[v] : distT;
    }
    return true;
  }

  /** BFS levels over residual edges of zero reduced cost; true when T is reachable. */
  private buildLevels(): boolean {
    const { n, x, s, t, demand, graph, level, queue, potential } = this;
    const { entryStart, edgeJudge, judgeStart, slotEntry } = graph;
    const { edgeCost, slotCost, assigned, slotAssigned, entryLoad, judgeFixed, judgeExtra } = this;
    level.fill(-1);
    let head = 0;
    let tail = 0;
    level[s] = 0;
    queue[tail++] = s;
    let levelT = -1;
    while (head < tail) {
      const u = queue[head++];
      const next = level[u] + 1;
      if (levelT >= 0 && next > levelT) break;
      const pu = potential[u];
      if (u === s) {
        for (let i = 0; i < n; i++) {
          if (entryLoad[i] < demand[i] && level[i] < 0 && pu === potential[i]) {
            level[i] = next;
            queue[tail++] = i;
          }
        }
      } else if (u < n) {
        const end = entryStart[u + 1];
        for (let e = entryStart[u]; e < end; e++) {
          if (assigned[e] === 0) {
            const v = n + edgeJudge[e];
            if (level[v] < 0 && edgeCost[e] + pu === potential[v]) {
              level[v] = next;
              queue[tail++] = v;
            }
          }
        }
      } else if (u < x) {
        const j = u - n;
        if (judgeFixed[j] < this.capFixed && level[t] < 0 && pu === potential[t]) {
          level[t] = next;
          levelT = next;
        }
        if (judgeExtra[j] < this.capExtra && level[x] < 0 && pu === potential[x]) {
          level[x] = next;
          queue[tail++] = x;
        }
        const end = judgeStart[j + 1];
        for (let slot = judgeStart[j]; slot < end; slot++) {
          if (slotAssigned[slot] === 1) {
            const v = slotEntry[slot];
            if (level[v] < 0 && pu === potential[v] + slotCost[slot]) {
              level[v] = next;
              queue[tail++] = v;
            }
          }
        }
      } else if (u === x) {
        if (this.extraTotal < this.capExtraTotal && level[t] < 0 && pu === potential[t]) {
          level[t] = next;
          levelT = next;
        }
        for (let j = 0; j < this.p; j++) {
          const v = n + j;
          if (judgeExtra[j] > 0 && level[v] < 0 && pu === potential[v]) {
            level[v] = next;
            queue[tail++] = v;
          }
        }
      }
    }
    return levelT >= 0;
  }

  /**
   * Dinic's blocking flow in the level graph, depth-first with current-arc pointers, iterative
   * (paths can be thousands of nodes long). Judge arcs are numbered 0 → T, 1 → X, 2.. → slots;
   * X arcs 0 → T, 1.. → judges.
   */
  private blockingFlow(): void {
    const { n, p, x, s, t, demand, graph, level, arc, path, pathEdge, potential } = this;
    const { entryStart, edgeJudge, judgeStart, slotEntry, slotEdge } = graph;
    const { edgeCost, slotCost, assigned, slotAssigned, entryLoad, judgeFixed, judgeExtra } = this;
    for (let i = 0; i < n; i++) arc[i] = entryStart[i];
    arc.fill(0, n);
    let depth = 0;
    path[0] = s;
    for (;;) {
      const u = path[depth];
      if (u === t) {
        this.augment(depth);
        depth = 0;
        continue;
      }
      const want = level[u] + 1;
      const pu = potential[u];
      let v = -1;
      if (u === s) {
        let i = arc[s];
        while (i < n && !(entryLoad[i] < demand[i] && level[i] === want && pu === potential[i])) i++;
        arc[s] = i;
        if (i < n) v = i;
      } else if (u < n) {
        const end = entryStart[u + 1];
        let e = arc[u];
        for (; e < end; e++) {
          if (assigned[e] === 0) {
            const w = n + edgeJudge[e];
            if (level[w] === want && edgeCost[e] + pu === potential[w]) {
              v = w;
              pathEdge[depth] = e;
              break;
            }
          }
        }
        arc[u] = e;
      } else if (u < x) {
        const j = u - n;
        let a = arc[u];
        if (a === 0) {
          if (judgeFixed[j] < this.capFixed && level[t] === want && pu === potential[t]) v = t;
          else a = 1;
        }
        if (v < 0 && a === 1) {
          if (judgeExtra[j] < this.capExtra && level[x] === want && pu === potential[x]) v = x;
          else a = 2;
        }
        if (v < 0) {
          const start = judgeStart[j];
          const end = judgeStart[j + 1];
          let slot = start + a - 2;
          for (; slot < end; slot++) {
            if (slotAssigned[slot] === 1) {
              const w = slotEntry[slot];
              if (level[w] === want && pu === potential[w] + slotCost[slot]) {
                v = w;
                pathEdge[depth] = slotEdge[slot];
                break;
              }
            }
          }
          a = slot - start + 2;
        }
        arc[u] = a;
      } else {
        let a = arc[x];
        if (a === 0) {
          if (this.extraTotal < this.capExtraTotal && level[t] === want && pu === potential[t]) v = t;
          else a = 1;
        }
        if (v < 0) {
          for (; a <= p; a++) {
            const w = n + a - 1;
            if (judgeExtra[a - 1] > 0 && level[w] === want && pu === potential[w]) {
              v = w;
              break;
            }
          }
        }
        arc[x] = a;
      }
      if (v >= 0) {
        path[++depth] = v;
      } else {
        if (depth === 0) return;
        level[u] = -1; // dead end for the rest of this round
        depth--;
      }
    }
  }

  /** Pushes one unit along path[0..depth] (S … T). */
  private augment(depth: number): void {
    const { n, x, s, t, path, pathEdge, assigned, slotAssigned } = this;
    const edgeSlot = this.graph.edgeSlot;
    for (let d = 0; d < depth; d++) {
      const u = path[d];
      const v = path[d + 1];
      if (u === s) {
        this.entryLoad[v]++;
      } else if (u < n) {
        const e = pathEdge[d];
        assigned[e] = 1;
        slotAssigned[edgeSlot[e]] = 1;
      } else if (u < x) {
        if (v === t) this.judgeFixed[u - n]++;
        else if (v === x) this.judgeExtra[u - n]++;
        else {
          const e = pathEdge[d];
          assigned[e] = 0;
          slotAssigned[edgeSlot[e]] = 0;
        }
      } else if (v === t) {
        this.extraTotal++;
      } else {
        this.judgeExtra[v - n]--;
      }
    }
    this.flow++;
  }
}
