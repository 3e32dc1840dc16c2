// Results benchmark (issue 11, goal 3): 100,000 entries × 5 submitted sheets in one database, then,
// in the same run on the same data, the baseline (one SQL GROUP BY entry_id over the same 500,000
// sheets, read through knex.raw as the app reads) and the organizer's compute of the results (read,
// aggregate, rank, award, store: computeContestResults), each the best of three, interleaved.
// Goal: compute ≤ 2× the GROUP BY. The compute's phases are timed apart to explain the gap.
// SQLite by default; with DATABASE_URL set, PostgreSQL in a schema of its own, dropped afterwards.
// Run: npx tsx bench/results.ts [entries]

import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type { AppContext } from "../src/context.js";
import { getContest } from "../src/contests/contests.service.js";
import { defaultRubric } from "../src/contests/rubric.js";
import type { Db } from "../src/db/knex.js";
import { mulberry32 } from "../src/judging/assign/prng.js";
import { currentRound, settingsOf } from "../src/judging/judging.service.js";
import { encodeScores } from "../src/judging/score-values.js";
import {
  computeContestResults,
  readRoundInputs,
  resultsOfInputs,
  storeComputed,
} from "../src/results/results.service.js";
import { openBenchDb } from "./bench-db.js";
import { BENCH_ORGANIZER, seedContest } from "./seed-rows.js";

const JUDGES = 5;
const RUNS = 3;

/** A contest in judging with `entryCount` entries, each with JUDGES submitted sheets of random scores. */
export async function seed(db: Db, entryCount: number): Promise<void> {
  const now = new Date().toISOString();
  const rubric = defaultRubric("video");
  const judgeIds = Array.from({ length: JUDGES }, (_, j) => `judge-${j}`);
  const entries = await seedContest(db, now, {
    judgeIds,
    rubric,
    contest: { judges_per_entry: JUDGES },
    entries: entryCount,
  });
  const random = mulberry32(42);
  const sheets = entries.flatMap((e) =>
    Array.from({ length: JUDGES }, (_, j) => {
      const scores = Object.fromEntries(rubric.criteria.map((c) => [c.key, Math.round(random() * c.max)]));
      const total = Object.values(scores).reduce((a, b) => a + b, 0);
      return {
        id: `${e.id}-${j}`,
        round_id: "round-1",
        entry_id: e.id,
        judge_id: `judge-${j}`,
        status: "submitted",
        scores: JSON.stringify(scores),
        // As saveSheet writes them.
        ...Object.fromEntries(Object.entries(encodeScores(scores)).map(([k, v]) => [`score_${k}`, v])),
        deductions: "{}",
        comment: null,
        total,
        created_at: now,
        updated_at: now,
        submitted_at: now,
      };
    }),
  );
  await db.batchInsert("assignments", sheets, 500);
}

/** Seconds taken by `run`. */
async function timed<T>(run: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const value = await run();
  return [(performance.now() - started) / 1000, value];
}

/** One SQL GROUP BY entry_id over the round's submitted sheets, every group read back as the app reads. */
async function groupBy(db: Db): Promise<number> {
  const sql =
    "SELECT entry_id, count(*) AS sheets, sum(total) AS total, min(total) AS lowest, max(total) AS highest " +
    "FROM assignments WHERE round_id = ? AND status = 'submitted' AND total IS NOT NULL GROUP BY entry_id";
  const answer: unknown = await db.raw(sql, ["round-1"]);
  // sqlite3 answers the rows, pg a result holding them.
  return (Array.isArray(answer) ? answer : (answer as { rows: unknown[] }).rows).length;
}

/** The compute's phases apart: read, aggregate + rank + award (pure), store. */
async function phases(ctx: AppContext): Promise<[number, number, number]> {
  const contest = await getContest(ctx, BENCH_ORGANIZER, "contest");
  const settings = settingsOf(contest, await currentRound(ctx, ctx.db, contest));
  const [read, inputs] = await timed(() => readRoundInputs(ctx, contest, settings));
  const [compute, results] = await timed(() =>
    Promise.resolve(resultsOfInputs(contest, settings, inputs, new Date().toISOString())),
  );
  const [store] = await timed(() => ctx.db.transaction((trx) => storeComputed(trx, settings.round.id, results)));
  return [read, compute, store];
}

const fmt = (seconds: number): string => `${seconds.toFixed(2)} s`;
const best = (list: number[]): number => Math.min(...list);

export async function runResultsBench(entryCount = 100_000): Promise<string[]> {
  const bench = await openBenchDb("results");
  const { db, ctx } = bench;
  const where = bench.pgUrl ? "PostgreSQL" : "SQLite";
  try {
    await seed(db, entryCount);
    if (bench.pgUrl) await db.raw("ANALYZE");
    const baseline: number[] = [];
    const compute: number[] = [];
    let ranked = 0;
    let groups = 0;
    for (let run = 0; run < RUNS; run++) {
      const [b, n] = await timed(() => groupBy(db));
      const [c, results] = await timed(() => computeContestResults(ctx, BENCH_ORGANIZER, "contest"));
      baseline.push(b);
      compute.push(c);
      groups = n;
      ranked = results.results.length;
    }
    if (groups !== entryCount || ranked !== entryCount)
      throw new Error(`expected ${entryCount}, got ${groups}/${ranked}`);
    const split: [number, number, number][] = [];
    for (let run = 0; run < RUNS; run++) split.push(await phases(ctx));
    const [read, pure, store] = [0, 1, 2].map((i) => best(split.map((s) => s[i])));
    const ratio = best(compute) / best(baseline);
    const sheets = entryCount * JUDGES;
    return [
      `results ${entryCount.toLocaleString("en")} entries × ${JUDGES} sheets (${where}): compute ${fmt(best(compute))} | ` +
        `one SQL GROUP BY entry_id over the same ${sheets.toLocaleString("en")} sheets ${fmt(best(baseline))} | ` +
        `${ratio.toFixed(2)}× (goal ≤ 2×; best of ${RUNS})`,
      `results compute split: read ${fmt(read)} · aggregate+rank+award ${fmt(pure)} · store ${fmt(store)}`,
    ];
  } finally {
    await bench.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await runResultsBench(Number(process.argv[2] ?? 100_000))) console.log(line);
}
