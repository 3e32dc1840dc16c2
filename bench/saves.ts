// Score saves (issue 11, goal 2): acknowledged draft saves per second through
// PUT /api/v1/assignments/:id/score, against raw durable single-row commits on the same database
// measured in the same run (goal ≥ 0.5×), then every acknowledged save counted back.
// SQLite by default; PostgreSQL with DATABASE_URL set (baseline: raw commits through `pg`).
// Run: npx tsx bench/saves.ts [seconds] [concurrency]

import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import sqlite3 from "sqlite3";
import { parseJson } from "../src/db/dialect.js";
import { runJudgeClient, sheetFor } from "./judge-client.js";
import { startJudgingWorld, type JudgingWorld } from "./judging-seed.js";

/** Single-row autocommits from `callers` concurrent loops for `seconds`: commits per second. */
async function rawCommits(
  commit: (caller: number, n: number) => Promise<void>,
  callers: number,
  seconds: number,
): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      for (let n = 0; performance.now() < deadline; n += 1) {
        await commit(caller, n);
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

/** The sqlite3 driver alone on the app's file, with the app's pragmas: one INSERT per autocommit. */
async function sqliteBaseline(file: string, callers: number, seconds: number): Promise<number> {
  const db = new sqlite3.Database(file);
  const exec = (sql: string, params: unknown[] = []) =>
    new Promise<void>((resolve, reject) => db.run(sql, params, (err) => (err ? reject(err) : resolve())));
  for (const pragma of ["journal_mode = WAL", "busy_timeout = 5000", "synchronous = FULL"])
    await exec(`PRAGMA ${pragma}`);
  await exec("CREATE TABLE bench_commits (id INTEGER PRIMARY KEY, caller INTEGER, n INTEGER)");
  try {
    return await rawCommits(
      (caller, n) => exec("INSERT INTO bench_commits (caller, n) VALUES (?, ?)", [caller, n]),
      callers,
      seconds,
    );
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}

interface PgClient {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}
interface PgPool extends PgClient {
  end(): Promise<void>;
}

/** `pg` alone on the same server (a pool as large as the app's, 10): one INSERT per autocommit. */
async function pgBaseline(url: string, schema: string, callers: number, seconds: number): Promise<number> {
  const { Pool } = createRequire(import.meta.url)("pg") as {
    Pool: new (config: { connectionString: string; max: number; options: string }) => PgPool;
  };
  const pool = new Pool({ connectionString: url, max: 10, options: `-c search_path=${schema}` });
  try {
    await pool.query("CREATE TABLE bench_commits (id SERIAL PRIMARY KEY, caller INTEGER, n INTEGER)");
    return await rawCommits(
      (caller, n) =>
        pool.query("INSERT INTO bench_commits (caller, n) VALUES ($1, $2)", [caller, n]).then(() => undefined),
      callers,
      seconds,
    );
  } finally {
    await pool.end();
  }
}

/** Every acknowledged save must be stored: its history row, and on each assignment the last one's values. */
async function countBack(
  world: JudgingWorld,
  lastAcknowledged: Record<string, number>,
): Promise<{ history: number; matching: number }> {
  const history = Number((await world.db("score_history").count({ n: "*" }))[0].n);
  const rows: { id: string; scores: unknown; comment: string | null }[] = await world
    .db("assignments")
    .select("id", "scores", "comment");
  const stored = new Map(rows.map((r) => [r.id, r]));
  let matching = 0;
  for (const [id, n] of Object.entries(lastAcknowledged)) {
    const row = stored.get(id);
    const expected = sheetFor(world.rubric, n, false);
    if (
      row &&
      row.comment === expected.comment &&
      JSON.stringify(parseJson(row.scores, {})) === JSON.stringify(expected.scores)
    )
      matching += 1;
  }
  return { history, matching };
}

export async function runSavesBench(seconds = 10, concurrency = 32): Promise<string[]> {
  const world = await startJudgingWorld({ judges: concurrency, perJudge: 20 });
  try {
    const where = world.dialect === "pg" ? "PostgreSQL" : "SQLite (WAL, synchronous FULL)";
    const baseline =
      world.dialect === "pg"
        ? await pgBaseline(process.env.DATABASE_URL!, world.pgSchema!, concurrency, seconds)
        : await sqliteBaseline(world.sqliteFile!, concurrency, seconds);
    const report = await runJudgeClient({
      mode: "saves",
      url: world.url,
      seconds,
      rubric: world.rubric,
      judges: world.judges,
    });
    const save = report.steps.save;
    const acknowledged = save.count - save.errors;
    const rate = acknowledged / report.seconds;
    const { history, matching } = await countBack(world, report.lastAcknowledged);
    const assignments = Object.keys(report.lastAcknowledged).length;
    return [
      `score draft saves PUT /api/v1/assignments/:id/score on ${where}, ${concurrency} judges at once: ${Math.round(rate).toLocaleString("en")} saves/s p50 ${save.p50.toFixed(1)} ms p99 ${save.p99.toFixed(1)} ms, ${save.errors} errors | raw durable single-row commits, ${concurrency} callers: ${Math.round(baseline).toLocaleString("en")} rows/s | ${(rate / baseline).toFixed(2)}× (goal ≥ 0.5×)`,
      `acknowledged ${acknowledged}, found ${history} in the score history; last acknowledged values on ${matching} of ${assignments} assignments`,
      ...report.errorSamples.map((e) => `  error: ${e}`),
    ];
  } finally {
    await world.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await runSavesBench(Number(process.argv[2] ?? 10), Number(process.argv[3] ?? 32)))
    console.log(line);
}
