// The judging benches' world (saves, load): one app in-process on a fresh database — an SQLite file
// in a temp folder (synchronous FULL, WAL, as src/db/knex.ts sets), or, with DATABASE_URL set, a
// schema of its own on that PostgreSQL, dropped afterwards — and a video contest in judging where
// every judge has accepted the declaration and holds a bearer token and `perJudge` assignments.
// Rows are inserted directly: seeding through the API would take minutes.

import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { issueToken, type UserRow } from "../src/accounts/accounts.service.js";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import type { AppContext } from "../src/context.js";
import { defaultRubric, type Rubric } from "../src/contests/rubric.js";
import { createDb, type Db } from "../src/db/knex.js";
import { migrateLatest } from "../src/db/migrate.js";
import { LocalDiskStorage } from "../src/storage/local-disk.js";
import { contestRow, entryRow, roundRow, userRow } from "./seed-rows.js";

export interface JudgingWorld {
  url: string;
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
  const dir = mkdtempSync(path.join(os.tmpdir(), "sw-bench-judging-"));
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
    ? `bench_${path
        .basename(dir)
        .replace(/[^a-z0-9]/gi, "")
        .toLowerCase()}`
    : null;
  const sqliteFile = pgUrl ? null : path.join(dir, "data", "app.sqlite");
  const db = createDb({
    databaseUrl: config.databaseUrl,
    sqliteFile: sqliteFile ?? undefined,
    pgSchema: pgSchema ?? undefined,
  });
  await migrateLatest(db);
  const ctx: AppContext = {
    config,
    db,
    storage: new LocalDiskStorage(config.uploadDir),
    clock: { now: () => new Date() },
    logger: pino({ level: "silent" }),
  };
  const now = new Date().toISOString();
  const rubric = defaultRubric("video");
  const judgeIds = Array.from({ length: options.judges }, (_, j) => `judge-${j}`);
  await db.batchInsert(
    "users",
    [
      userRow("organizer", "organizer", now),
      userRow("owner", "contestant", now),
      ...judgeIds.map((id) => userRow(id, "judge", now)),
    ],
    200,
  );
  await db("contests").insert(contestRow("contest", rubric, now));
  await db("rounds").insert(roundRow("round-1", "contest", now));
  // Every judge scores the same `perJudge` entries: a judge's assignments are all distinct entries.
  const entryIds = Array.from({ length: options.perJudge }, (_, i) => `e${i}`);
  await db.batchInsert(
    "entries",
    entryIds.map((id, i) => entryRow(id, "contest", i, now)),
    200,
  );
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
  await db.batchInsert(
    "judge_declarations",
    judgeIds.map((judgeId) => ({ contest_id: "contest", judge_id: judgeId, accepted_at: now })),
    200,
  );
  const judges = [];
  for (const [j, id] of judgeIds.entries()) {
    const token = await issueToken(ctx, { id } as UserRow);
    judges.push({ id, token, assignments: entryIds.map((entryId, i) => ({ id: `a-${j}-${i}`, entryId })) });
  }
  const server: Server = createApp(ctx).listen(0);
  await new Promise<void>((resolve) => server.once("listening", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    db,
    dialect: pgUrl ? "pg" : "sqlite",
    sqliteFile,
    pgSchema,
    rubric,
    judges,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (pgSchema) await db.raw(`DROP SCHEMA IF EXISTS "${pgSchema}" CASCADE`);
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
