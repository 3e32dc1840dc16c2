// A bench's own database: an SQLite file in a temp folder, or, with DATABASE_URL set, a schema of its
// own on that PostgreSQL (dropped by close), migrated, with the in-process context the services take.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { loadConfig } from "../src/config.js";
import type { AppContext } from "../src/context.js";
import { createDb, type Db } from "../src/db/knex.js";
import { migrateLatest } from "../src/db/migrate.js";
import { LocalDiskStorage } from "../src/storage/local-disk.js";

export interface BenchDb {
  /** The temp folder: data/ (SQLite file, session secret) and uploads/. */
  dir: string;
  db: Db;
  ctx: AppContext;
  /** DATABASE_URL, or null on SQLite. */
  pgUrl: string | null;
  /** The schema of this run on PostgreSQL (null on SQLite). */
  pgSchema: string | null;
  /** The SQLite file (null on PostgreSQL). */
  sqliteFile: string | null;
  close(): Promise<void>;
}

export const BENCH_SESSION_SECRET = "bench-secret-0123456789";

/** `name` tells the temp folder apart, and so the schema, which is named after the folder. */
export async function openBenchDb(name: string): Promise<BenchDb> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `sw-bench-${name}-`));
  const pgUrl = process.env.DATABASE_URL || null;
  const config = loadConfig(
    {
      DATA_DIR: path.join(dir, "data"),
      UPLOAD_DIR: path.join(dir, "uploads"),
      SESSION_SECRET: BENCH_SESSION_SECRET,
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
  const db = createDb({ databaseUrl: pgUrl, sqliteFile: sqliteFile ?? undefined, pgSchema: pgSchema ?? undefined });
  const ctx: AppContext = {
    config,
    db,
    storage: new LocalDiskStorage(config.uploadDir),
    clock: { now: () => new Date() },
    logger: pino({ level: "silent" }),
  };
  const close = async () => {
    if (pgSchema) await db.raw(`DROP SCHEMA IF EXISTS "${pgSchema}" CASCADE`);
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await migrateLatest(db);
  } catch (err) {
    await close();
    throw err;
  }
  return { dir, db, ctx, pgUrl, pgSchema, sqliteFile, close };
}
