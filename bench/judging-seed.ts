// The judging benches' world (saves, load): one app in-process on a fresh database — an SQLite file
// in a temp folder (synchronous FULL, WAL, as src/db/knex.ts sets), or, with DATABASE_URL set, a
// schema of its own on that PostgreSQL, dropped afterwards — and a video contest in judging where
// every judge has accepted the declaration and holds a bearer token and `perJudge` assignments.
// Rows are inserted directly: seeding through the API would take minutes.

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../src/app.js";
import { defaultRubric, type Rubric } from "../src/contests/rubric.js";
import type { Db } from "../src/db/knex.js";
import { openBenchDb } from "./bench-db.js";
import { acceptedJudgeTokens, seedContest } from "./seed-rows.js";

export interface JudgingWorld {
  url: string;
  /** The temp folder: data/ and uploads/. */
  dir: string;
  db: Db;
  dialect: "sqlite" | "pg";
  /** The SQLite file (null on PostgreSQL). */
  sqliteFile: string | null;
  /** Where the PostgreSQL run lives (null on SQLite). */
  pgSchema: string | null;
  rubric: Rubric;
  judges: { id: string; token: string; assignments: { id: string; entryId: string }[] }[];
  close(): Promise<void>;
}

export async function startJudgingWorld(options: { judges: number; perJudge: number }): Promise<JudgingWorld> {
  const bench = await openBenchDb("judging");
  const { db, ctx } = bench;
  const now = new Date().toISOString();
  const rubric = defaultRubric("video");
  const judgeIds = Array.from({ length: options.judges }, (_, j) => `judge-${j}`);
  // Every judge scores the same `perJudge` entries: a judge's assignments are all distinct entries.
  const entryIds = (await seedContest(db, now, { judgeIds, rubric, entries: options.perJudge })).map((e) => e.id);
  const assignments = judgeIds.flatMap((judgeId, j) =>
    entryIds.map((entryId, i) => ({
      id: `a-${j}-${i}`,
      round_id: "round-1",
      entry_id: entryId,
      judge_id: judgeId,
      status: "assigned",
      scores: null,
      deductions: null,
      comment: null,
      total: null,
      created_at: now,
      updated_at: now,
      submitted_at: null,
    })),
  );
  await db.batchInsert("assignments", assignments, 200);
  const tokens = await acceptedJudgeTokens(ctx, judgeIds, now);
  const judges = judgeIds.map((id, j) => ({
    id,
    token: tokens[j],
    assignments: entryIds.map((entryId, i) => ({ id: `a-${j}-${i}`, entryId })),
  }));
  const server: Server = createApp(ctx).listen(0);
  await new Promise<void>((resolve) => server.once("listening", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dir: bench.dir,
    db,
    dialect: bench.pgUrl ? "pg" : "sqlite",
    sqliteFile: bench.sqliteFile,
    pgSchema: bench.pgSchema,
    rubric,
    judges,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await bench.close();
    },
  };
}
