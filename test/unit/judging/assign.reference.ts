// Slow, obvious references for the judge assignment, for small instances only.

import type { AssignInput } from "../../../src/judging/assign.js";

export interface ReferenceOptimum {
  /** False when no assignment gives every entry k distinct non-conflicting judges. */
  feasible: boolean;
  /** Minimal max load − min load over all valid assignments. */
  spread: number;
  /** Minimal mismatches among the assignments of minimal spread. */
  mismatches: number;
  /** Whether some valid assignment has every load in ⌊m⌋..⌈m⌉. */
  balancedExists: boolean;
}

interface Choice {
  judges: number[];
  mismatches: number;
}

/**
 * Partial: an entry with fewer than k non-conflicting judges takes all of them instead of having no
 * choice at all (assignPartially); the others still take exactly k.
 */
export interface ReferenceMode {
  partial?: boolean;
}

/** How many judges the entry gets: k, or in partial mode all its eligible ones when fewer. */
function demandOf(input: AssignInput, entry: number, mode: ReferenceMode): number {
  const eligible = input.judges.filter((_, j) => !input.isConflict(entry, j)).length;
  return mode.partial ? Math.min(input.judgesPerEntry, eligible) : input.judgesPerEntry;
}

/** Every subset of the entry's non-conflicting judges of its demand's size, with its mismatch count. */
function choicesFor(input: AssignInput, entry: number, mode: ReferenceMode): Choice[] {
  const k = demandOf(input, entry, mode);
  const theme = input.entries[entry].theme;
  const eligible = input.judges.map((_, j) => j).filter((j) => !input.isConflict(entry, j));
  const choices: Choice[] = [];
  const pick = (from: number, chosen: number[]): void => {
    if (chosen.length === k) {
      const mismatches = chosen.filter((j) => theme !== null && !input.judges[j].expertise.includes(theme)).length;
      choices.push({ judges: [...chosen], mismatches });
      return;
    }
    for (let t = from; t < eligible.length; t++) pick(t + 1, [...chosen, eligible[t]]);
  };
  pick(0, []);
  return choices;
}

function summarize(input: AssignInput, mode: ReferenceMode, finals: Iterable<[number[], number]>): ReferenceOptimum {
  const p = input.judges.length;
  const total = input.entries.reduce((sum, _, e) => sum + demandOf(input, e, mode), 0);
  let best: ReferenceOptimum = { feasible: false, spread: Infinity, mismatches: Infinity, balancedExists: false };
  for (const [loads, mismatches] of finals) {
    const spread = loads.length === 0 ? 0 : Math.max(...loads) - Math.min(...loads);
    const mean = total / p;
    const balanced = loads.every((load) => load >= Math.floor(mean) && load <= Math.ceil(mean));
    const better = spread < best.spread || (spread === best.spread && mismatches < best.mismatches);
    best = {
      feasible: true,
      spread: better ? spread : best.spread,
      mismatches: better ? mismatches : best.mismatches,
      balancedExists: best.balancedExists || balanced,
    };
  }
  return best;
}

/**
 * Exhaustive search over all assignments (each entry takes any k-subset of its eligible judges),
 * memoized on the vector of judges' loads: two partial assignments with the same loads can be
 * completed in exactly the same ways, so only the fewest mismatches per load vector is kept.
 */
export function referenceOptimum(input: AssignInput, mode: ReferenceMode = {}): ReferenceOptimum {
  const n = input.entries.length;
  let layer = new Map<string, { loads: number[]; mismatches: number }>();
  layer.set("", { loads: input.judges.map(() => 0), mismatches: 0 });
  for (let e = 0; e < n; e++) {
    const choices = choicesFor(input, e, mode);
    const next = new Map<string, { loads: number[]; mismatches: number }>();
    for (const state of layer.values()) {
      for (const choice of choices) {
        const loads = [...state.loads];
        for (const j of choice.judges) loads[j]++;
        const key = loads.join(",");
        const mismatches = state.mismatches + choice.mismatches;
        const known = next.get(key);
        if (known === undefined || mismatches < known.mismatches) next.set(key, { loads, mismatches });
      }
    }
    layer = next;
  }
  return summarize(
    input,
    mode,
    [...layer.values()].map((state): [number[], number] => [state.loads, state.mismatches]),
  );
}

/** Plain enumeration of every assignment, without memoization: to check the reference itself. */
export function bruteForceOptimum(input: AssignInput, mode: ReferenceMode = {}): ReferenceOptimum {
  const n = input.entries.length;
  const all = Array.from({ length: n }, (_, e) => choicesFor(input, e, mode));
  const finals: [number[], number][] = [];
  const walk = (e: number, loads: number[], mismatches: number): void => {
    if (e === n) {
      finals.push([[...loads], mismatches]);
      return;
    }
    for (const choice of all[e]) {
      for (const j of choice.judges) loads[j]++;
      walk(e + 1, loads, mismatches + choice.mismatches);
      for (const j of choice.judges) loads[j]--;
    }
  };
  walk(
    0,
    input.judges.map(() => 0),
    0,
  );
  return summarize(input, mode, finals);
}

/**
 * True when no cycle of reassignments lowers the mismatch count while every load stays within
 * [minLoad, maxLoad] (Bellman–Ford on the residual graph): the optimality certificate of a
 * min-cost flow, usable on instances too big for exhaustive search.
 */
export function hasNoImprovingCycle(
  input: AssignInput,
  assignedJudges: Set<number>[],
  minLoad: number,
  maxLoad: number,
): boolean {
  const n = input.entries.length;
  const p = input.judges.length;
  const hub = n + p;
  const loads = new Array<number>(p).fill(0);
  for (const set of assignedJudges) for (const j of set) loads[j]++;
  const edges: [number, number, number][] = [];
  for (let e = 0; e < n; e++) {
    const theme = input.entries[e].theme;
    for (let j = 0; j < p; j++) {
      if (input.isConflict(e, j)) continue;
      const cost = theme !== null && !input.judges[j].expertise.includes(theme) ? 1 : 0;
      if (assignedJudges[e].has(j)) edges.push([n + j, e, -cost]);
      else edges.push([e, n + j, cost]);
    }
  }
  for (let j = 0; j < p; j++) {
    if (loads[j] < maxLoad) edges.push([n + j, hub, 0]);
    if (loads[j] > minLoad) edges.push([hub, n + j, 0]);
  }
  const dist = new Array<number>(hub + 1).fill(0);
  for (let round = 0; round <= hub + 1; round++) {
    let changed = false;
    for (const [from, to, cost] of edges) {
      if (dist[from] + cost < dist[to]) {
        dist[to] = dist[from] + cost;
        changed = true;
      }
    }
    if (!changed) return true;
  }
  return false;
}
