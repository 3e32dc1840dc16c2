// Backup and restore (issue 14, item 5): a seeded instance of 1,000 entries (each with a 256 KiB
// file, 5 score sheets each) backed up and restored by scripts/backup.ts and scripts/restore.ts,
// against, in the same run, the least a copy of the same bytes costs: `cp` + fsync of the database file
// and the stored files (on PostgreSQL: a raw `pg_dump --format=custom` / `pg_restore` of the schema
// plus `cp` + fsync of the files). With DATABASE_URL set, on PostgreSQL, in schemas and databases
// of its own, dropped afterwards.
// Run: npm run bench -- backup

import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { copyFile, mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { backup } from "../scripts/backup.js";
import { syncPath } from "../src/lib/files.js";
import { restore } from "../scripts/restore.js";
import { defaultRubric } from "../src/contests/rubric.js";
import { createDb } from "../src/db/knex.js";
import { openBenchDb } from "./bench-db.js";
import { urlWithSchema } from "./child-process.js";
import { seedContest } from "./seed-rows.js";

const run = promisify(execFile);
const ENTRIES = 1000;
const FILE_BYTES = 256 * 1024;
const JUDGES = 50;
const SHEETS_PER_ENTRY = 5;

/** `cp` + fsync, file by file, of everything under `from` into `to` (folders flushed too). */
async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const item of await readdir(from, { withFileTypes: true })) {
    const [source, target] = [path.join(from, item.name), path.join(to, item.name)];
    if (item.isDirectory()) await copyTree(source, target);
    else {
      await copyFile(source, target);
      await syncPath(target);
    }
  }
  await syncPath(to);
}

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const value = await work();
  return [(performance.now() - started) / 1000, value];
}

export async function runBackupBench(): Promise<string[]> {
  const bench = await openBenchDb("backup");
  const { db, dir, pgUrl, pgSchema } = bench;
  const made: string[] = [];
  const freshDatabase = async () => {
    if (!pgUrl) return "";
    const name = `bench_restore_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
    await db.raw(`CREATE DATABASE "${name}"`);
    made.push(name);
    const url = new URL(pgUrl);
    url.pathname = `/${name}`;
    return url.href;
  };
  // Used on PostgreSQL only, where the bench has its schema.
  const withSchema = (url: string) => urlWithSchema(url, String(pgSchema));
  try {
    const now = new Date().toISOString();
    const judgeIds = Array.from({ length: JUDGES }, (_, j) => `judge-${j}`);
    const rubric = defaultRubric("video");
    const entries = await seedContest(db, now, { judgeIds, rubric, entries: ENTRIES });
    const files = [];
    for (const [i, entry] of entries.entries()) {
      const key = randomUUID();
      const file = path.join(dir, "uploads", key.slice(0, 2), key);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, randomBytes(FILE_BYTES));
      // On disk before any timing: otherwise the first one timed pays for flushing the seed.
      await syncPath(file);
      files.push({
        ...{ id: randomUUID(), entry_id: entry.id, role: "video", storage_key: key, original_name: `${i}.mp4` },
        ...{ content_type: "mp4", size: FILE_BYTES, sha256: "0".repeat(64), probe: null, created_at: now },
      });
    }
    await db.batchInsert("entry_files", files, 200);
    const scores = JSON.stringify(Object.fromEntries(rubric.criteria.map((c) => [c.key, c.max])));
    const sheets = entries.flatMap((entry, i) =>
      Array.from({ length: SHEETS_PER_ENTRY }, (_, k) => ({
        ...{ id: `a-${i}-${k}`, round_id: "round-1", entry_id: entry.id, judge_id: judgeIds[(i + k) % JUDGES] },
        ...{ status: "submitted", scores, deductions: null, comment: "很好", total: 100 },
        ...{ created_at: now, updated_at: now, submitted_at: now },
      })),
    );
    await db.batchInsert("assignments", sheets, 200);

    const env = {
      DATA_DIR: path.join(dir, "data"),
      UPLOAD_DIR: path.join(dir, "uploads"),
      DATABASE_URL: pgUrl ? withSchema(pgUrl) : "",
    };
    const where = pgUrl ? "PostgreSQL" : "SQLite";
    const [backupSeconds, manifest] = await timed(() => backup(path.join(dir, "backup"), env));
    const bytes = manifest.files.reduce((sum, f) => sum + f.size, 0);
    const [copySeconds] = await timed(async () => {
      if (pgUrl)
        await run("pg_dump", [
          "--format=custom",
          `--schema=${pgSchema}`,
          `--file=${path.join(dir, "raw.pgdump")}`,
          pgUrl,
        ]);
      else await copyTree(env.DATA_DIR, path.join(dir, "copy", "data"));
      await copyTree(env.UPLOAD_DIR, path.join(dir, "copy", "uploads"));
    });
    const target = {
      DATA_DIR: path.join(dir, "restored", "data"),
      UPLOAD_DIR: path.join(dir, "restored", "uploads"),
      DATABASE_URL: pgUrl ? withSchema(await freshDatabase()) : "",
    };
    const [restoreSeconds] = await timed(() => restore(path.join(dir, "backup"), target));
    const rawTarget = await freshDatabase();
    const [copyBackSeconds] = await timed(async () => {
      if (pgUrl) await run("pg_restore", ["--no-owner", `--dbname=${rawTarget}`, path.join(dir, "raw.pgdump")]);
      else await copyTree(path.join(dir, "copy", "data"), path.join(dir, "copied-back", "data"));
      await copyTree(path.join(dir, "copy", "uploads"), path.join(dir, "copied-back", "uploads"));
    });
    const baseline = pgUrl ? "raw pg_dump + cp + fsync of the files" : "cp + fsync of the same bytes";
    const baselineBack = pgUrl ? "raw pg_restore + cp + fsync of the files" : "cp + fsync of the same bytes";
    const size = `${ENTRIES.toLocaleString("en")} entries, ${(bytes / 1024 / 1024).toFixed(0)} MiB in ${manifest.files.length} files`;
    return [
      `backup (${where}, ${size}): ${backupSeconds.toFixed(2)} s | ${baseline}: ${copySeconds.toFixed(2)} s | ${(backupSeconds / copySeconds).toFixed(2)}×`,
      `restore (${where}, hashes checked first): ${restoreSeconds.toFixed(2)} s | ${baselineBack}: ${copyBackSeconds.toFixed(2)} s | ${(restoreSeconds / copyBackSeconds).toFixed(2)}×`,
    ];
  } finally {
    await bench.close();
    if (pgUrl) {
      const admin = createDb({ databaseUrl: pgUrl });
      for (const name of made) await admin.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.destroy();
    }
  }
}
