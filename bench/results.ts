// Results benchmark (issue 11, goal 3): 100,000 entries × 5 submitted sheets in one database, then,
// in the same run on the same data, the baseline (one SQL GROUP BY entry_id over the same 500,000
// sheets, read through knex.raw as the app reads) and the organizer's compute of the results (read,
// aggregate, rank, award, store: computeContestResults), each the best of three, interleaved.
// Goal: compute ≤ 2× the GROUP BY. The compute's phases are timed apart to explain the gap.
// SQLite by default; with DATABASE_URL set, PostgreSQL in a schema of its own, dropped afterwards.
// Run: npx tsx bench/results.ts [entries]

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import pino from "pino";
import type { SessionUser } from "../src/accounts/accounts.service.js";
import { loadConfig } from "../src/config.js";
import type { AppContext } from "../src/context.js";
import { getContest } from "../src/contests/contests.service.js";
import { defaultRubric } from "../src/contests/rubric.js";
import { createDb, type Db } from "../src/db/knex.js";
import { migrateLatest } from "../src/db/migrate.js";
import { mulberry32 } from "../src/judging/assign/prng.js";
import { currentRound, settingsOf } from "../src/judging/judging.service.js";
import { encodeScores } from "../src/judging/score-values.js";
import {
  computeContestResults,
  readRoundInputs,
  resultsOfInputs,
  storeComputed,
} from "../src/results/results.service.js";
import { LocalDiskStorage } from "../src/storage/local-disk.js";
import { contestRow, entryRow, roundRow, userRow } from "./seed-rows.js";

const JUDGES = 5;
const RUNS = 3;

const ORGANIZER: SessionUser = {
  id: "organizer",
  email: "organizer@bench.local",
  name: "organizer",
  role: "organizer",
  city: null,
  unit: null,
  expertise: [],
};

/** A contest in judging with `entryCount` entries, each with JUDGES submitted sheets of random scores. */
export async function seed(db: Db, entryCount: number): Promise<void> {
  const now = new Date().toISOString();
  await db("users").insert([
    userRow("organizer", "organizer", now),
    userRow("owner", "contestant", now),
    ...Array.from({ length: JUDGES }, (_, j) => userRow(`judge-${j}`, "judge", now)),
  ]);
  const rubric = defaultRubric("video");
  await db("contests").insert(contestRow("contest", rubric, now, { judges_per_entry: JUDGES }));
  await db("rounds").insert(roundRow("round-1", "contest", now));
  const random = mulberry32(42);
  const entries = Array.from({ length: entryCount }, (_, i) => entryRow(`e${i}`, "contest", i, now));
  await db.batchInsert("entries", entries, 500);
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
  const contest = await getContest(ctx, ORGANIZER, "contest");
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
  const dir = mkdtempSync(path.join(os.tmpdir(), "sw-bench-results-"));
  const pgUrl = process.env.DATABASE_URL || null;
  const config = loadConfig(
    {
      DATA_DIR: path.join(dir, "data"),
      UPLOAD_DIR: path.join(dir, "uploads"),
      SESSION_SECRET: "bench-secret-0123456789",
      ...(pgUrl ? { DATABASE_URL: pgUrl } : {}),
    },
    dir,
  );
  const pgSchema = pgUrl
    ? `bench_results_${path
        .basename(dir)
        .replace(/[^a-z0-9]/gi, "")
        .toLowerCase()}`
    : undefined;
  const db = createDb({ databaseUrl: config.databaseUrl, sqliteFile: path.join(dir, "data", "app.sqlite"), pgSchema });
  const ctx: AppContext = {
    config,
    db,
    storage: new LocalDiskStorage(config.uploadDir),
    clock: { now: () => new Date() },
    logger: pino({ level: "silent" }),
  };
  const where = pgUrl ? "PostgreSQL" : "SQLite";
  try {
    await migrateLatest(db);
    await seed(db, entryCount);
    if (pgUrl) await db.raw("ANALYZE");
    const baseline: number[] = [];
    const compute: number[] = [];
    let ranked = 0;
    let groups = 0;
    for (let run = 0; run < RUNS; run++) {
      const [b, n] = await timed(() => groupBy(db));
      const [c, results] = await timed(() => computeContestResults(ctx, ORGANIZER, "contest"));
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
    if (pgSchema) await db.raw(`DROP SCHEMA IF EXISTS "${pgSchema}" CASCADE`);
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await runResultsBench(Number(process.argv[2] ?? 100_000))) console.log(line);
}
