// Benchmark of the exact judge assignment at the size DESIGN §3 names: 10,000 entries × 500
// judges × 5 judges per entry, ~8 themes, judges with 1–3 expertise themes, 5% random conflicts.
// Run: npx tsx bench/assignment.ts

import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { assignJudges, type AssignEntry, type AssignJudge } from "../src/judging/assign.js";
import { mulberry32 } from "../src/judging/assign/prng.js";

interface BenchCase {
  entries: number;
  judges: number;
  judgesPerEntry: number;
  themes: number;
  conflictRate: number;
  /** Theme t is drawn with weight 1 / (t + 1)^skew; 0 means uniform. */
  skew: number;
  seed: number;
}

const CASES: BenchCase[] = [
  { entries: 10_000, judges: 500, judgesPerEntry: 5, themes: 8, conflictRate: 0.05, skew: 0, seed: 1 },
  // Skewed themes force mismatches, so the min-cost phases do real work.
  { entries: 10_000, judges: 500, judgesPerEntry: 5, themes: 8, conflictRate: 0.05, skew: 1.5, seed: 2 },
  { entries: 10_000, judges: 480, judgesPerEntry: 5, themes: 8, conflictRate: 0.05, skew: 1, seed: 3 },
];

function runCase(c: BenchCase): string {
  const random = mulberry32(c.seed);
  const themes = Array.from({ length: c.themes }, (_, t) => `theme-${t}`);
  const weights = themes.map((_, t) => 1 / (t + 1) ** c.skew);
  const weightSum = weights.reduce((sum, w) => sum + w, 0);
  const drawTheme = (): string => {
    let r = random() * weightSum;
    for (let t = 0; t < themes.length; t++) {
      r -= weights[t];
      if (r < 0) return themes[t];
    }
    return themes[themes.length - 1];
  };
  const entries: AssignEntry[] = Array.from({ length: c.entries }, (_, e) => ({
    id: `entry-${e}`,
    theme: drawTheme(),
  }));
  const judges: AssignJudge[] = Array.from({ length: c.judges }, (_, j) => {
    const count = 1 + Math.floor(random() * 3);
    const expertise = new Set<string>();
    while (expertise.size < count) expertise.add(themes[Math.floor(random() * themes.length)]);
    return { id: `judge-${j}`, expertise: [...expertise] };
  });
  const conflicts = new Uint8Array(c.entries * c.judges);
  for (let i = 0; i < conflicts.length; i++) conflicts[i] = random() < c.conflictRate ? 1 : 0;
  const isConflict = (e: number, j: number): boolean => conflicts[e * c.judges + j] === 1;

  const started = performance.now();
  const result = assignJudges({ entries, judges, judgesPerEntry: c.judgesPerEntry, isConflict, seed: c.seed });
  const seconds = (performance.now() - started) / 1000;
  if (!result.ok) throw new Error(`bench: no assignment (${result.reason})`);

  // Verify: k distinct judges per entry, no conflicts, loads within one of the mean.
  const entryIndex = new Map(entries.map((entry, e) => [entry.id, e]));
  const judgeIndex = new Map(judges.map((judge, j) => [judge.id, j]));
  const perEntry = new Map<number, Set<number>>();
  const load = new Int32Array(c.judges);
  for (const pair of result.pairs) {
    const e = entryIndex.get(pair.entryId)!;
    const j = judgeIndex.get(pair.judgeId)!;
    if (isConflict(e, j)) throw new Error(`bench: conflicting pair ${pair.entryId}/${pair.judgeId}`);
    const set = perEntry.get(e) ?? new Set<number>();
    set.add(j);
    perEntry.set(e, set);
    load[j]++;
  }
  for (let e = 0; e < c.entries; e++) {
    if (perEntry.get(e)?.size !== c.judgesPerEntry) throw new Error(`bench: entry ${e} lacks judges`);
  }
  const mean = (c.entries * c.judgesPerEntry) / c.judges;
  for (let j = 0; j < c.judges; j++) {
    if (load[j] < Math.floor(mean) || load[j] > Math.ceil(mean)) throw new Error(`bench: judge ${j} load ${load[j]}`);
    if (load[j] !== result.loads[judges[j].id]) throw new Error(`bench: loads disagree for judge ${j}`);
  }
  const label = `${c.entries}x${c.judges} k=${c.judgesPerEntry}${c.skew > 0 ? ` skew=${c.skew}` : ""}`;
  return (
    `assignment ${label}: ${seconds.toFixed(1)} s, ` +
    `mismatches ${result.mismatches}, loads ${result.minLoad}..${result.maxLoad}`
  );
}

export function runAssignmentBench(): Promise<string[]> {
  return Promise.resolve(CASES.map(runCase));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await runAssignmentBench()) console.log(line);
}
