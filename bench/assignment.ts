// Benchmark of the exact judge assignment (issue 11 goal 4): 10,000 entries × 500 judges × 5
// judges per entry, the size DESIGN §3 names (goal < 1 s), and 100,000 × 5,000 × 5 with skewed
// themes (goal ≤ 15 s); ~8 themes, judges with 1–3 expertise themes, 5 % random conflicts.
// Absolute times swing with the load on a shared machine, so each case also prints a baseline
// measured in the same run: one plain pass asking isConflict about every (entry, judge) pair,
// which the assignment must do anyway (its API asks once per pair), and the ratio to it.
// Run: npx tsx bench/assignment.ts [entries judges skew] (one case of your own)

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
  goalSeconds: number;
}

const CASES: BenchCase[] = [
  { entries: 10_000, judges: 500, judgesPerEntry: 5, themes: 8, conflictRate: 0.05, skew: 0, seed: 1, goalSeconds: 1 },
  // Skewed themes force mismatches, so the min-cost phases do real work.
  {
    entries: 10_000,
    judges: 500,
    judgesPerEntry: 5,
    themes: 8,
    conflictRate: 0.05,
    skew: 1.5,
    seed: 2,
    goalSeconds: 1,
  },
  { entries: 10_000, judges: 480, judgesPerEntry: 5, themes: 8, conflictRate: 0.05, skew: 1, seed: 3, goalSeconds: 1 },
  {
    entries: 100_000,
    judges: 5_000,
    judgesPerEntry: 5,
    themes: 8,
    conflictRate: 0.05,
    skew: 1.5,
    seed: 4,
    goalSeconds: 15,
  },
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
  // Each pair conflicts with probability conflictRate, drawn by geometric gaps between conflicts
  // (25 million draws at 100,000 × 5,000 instead of 500 million).
  const conflicts = new Uint8Array(c.entries * c.judges);
  const logStay = Math.log(1 - c.conflictRate);
  for (let i = Math.floor(Math.log(1 - random()) / logStay); i < conflicts.length;) {
    conflicts[i] = 1;
    i += 1 + Math.floor(Math.log(1 - random()) / logStay);
  }
  const isConflict = (e: number, j: number): boolean => conflicts[e * c.judges + j] === 1;

  const passStarted = performance.now();
  let conflicting = 0;
  for (let e = 0; e < c.entries; e++) {
    for (let j = 0; j < c.judges; j++) if (isConflict(e, j)) conflicting++;
  }
  const passSeconds = (performance.now() - passStarted) / 1000;

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
  const pairs = c.entries * c.judges;
  const label = `${c.entries.toLocaleString("en")} × ${c.judges.toLocaleString("en")} × ${c.judgesPerEntry}`;
  return (
    `assignment ${label}${c.skew > 0 ? ` skew ${c.skew}` : ""}: ${seconds.toFixed(2)} s ` +
    `(mismatches ${result.mismatches}, loads ${result.minLoad}..${result.maxLoad}, ` +
    `${((100 * conflicting) / pairs).toFixed(1)} % conflicts) | ` +
    `one isConflict pass over the ${pairs.toLocaleString("en")} pairs ${passSeconds.toFixed(2)} s | ` +
    `${(seconds / passSeconds).toFixed(1)}× (goal ${c.goalSeconds === 1 ? "< 1 s" : `≤ ${c.goalSeconds} s`})`
  );
}

export function runAssignmentBench(cases = CASES): Promise<string[]> {
  return Promise.resolve(cases.map(runCase));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [entries, judges, skew] = process.argv.slice(2).map(Number);
  const own = entries > 0 ? [{ ...CASES[3], entries, judges, skew: skew || 0 }] : CASES;
  for (const line of await runAssignmentBench(own)) console.log(line);
}
