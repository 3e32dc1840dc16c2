/**
 * Backs up a running instance: npm run backup -- DIR
 *
 * Reads DATABASE_URL, DATA_DIR and UPLOAD_DIR as the server does. DIR must be missing or empty. The
 * database first — SQLite: `VACUUM INTO` (a consistent copy, taken while the app keeps writing);
 * PostgreSQL: `pg_dump --format=custom` of the app's schema from an exported snapshot, whose row
 * counts are read in that same snapshot — then the stored files (a row is committed only after its
 * file is on disk, so every file the copied database names is already there), the generated session
 * secret, and last `manifest.json` with every file's size and SHA-256. Exit status 0 on success.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { createDb } from "../src/db/knex.js";
import {
  appLocations,
  describeDatabase,
  durableCopy,
  isEmptyDir,
  MANIFEST_FORMAT,
  PG_DUMP,
  pgTables,
  SESSION_SECRET_FILE,
  SQLITE_COPY,
  sqliteTables,
  storedFiles,
  syncFolders,
  writeManifest,
  type Manifest,
  type ManifestFile,
} from "./backup-store.js";
import { sha256Of, syncPath } from "../src/lib/files.js";

const run = promisify(execFile);

type DatabasePart = Pick<Manifest, "database" | "schema" | "tables" | "migrations"> & { file: string };

/** `VACUUM INTO` a copy, then counts its rows; the copy is left in rollback-journal mode, a file on its own. */
async function backupSqlite(dataDir: string, dir: string): Promise<DatabasePart> {
  const live = path.join(dataDir, "app.sqlite");
  if (!existsSync(live)) throw new Error(`no database at ${live}`);
  const target = path.join(dir, SQLITE_COPY);
  const db = createDb({ databaseUrl: null, sqliteFile: live });
  try {
    await db.raw("VACUUM INTO ?", [target]);
  } finally {
    await db.destroy();
  }
  const copy = createDb({ databaseUrl: null, sqliteFile: target });
  try {
    await copy.raw("PRAGMA journal_mode = DELETE");
    const described = await describeDatabase(copy, await sqliteTables(copy));
    return { database: "sqlite", schema: null, ...described, file: SQLITE_COPY };
  } finally {
    await copy.destroy();
    await syncPath(target);
  }
}

/** pg_dump of the schema the app's connection uses, from a snapshot held open while the rows are counted. */
async function backupPg(databaseUrl: string, dir: string): Promise<DatabasePart> {
  const db = createDb({ databaseUrl });
  try {
    return await db.transaction(
      async (trx) => {
        const schema = (await trx.raw<{ rows: { s: string | null }[] }>("SELECT current_schema() AS s")).rows[0].s;
        if (!schema) throw new Error("the connection has no current schema (check search_path in DATABASE_URL)");
        const snapshot = (await trx.raw<{ rows: { id: string }[] }>("SELECT pg_export_snapshot() AS id")).rows[0].id;
        const described = await describeDatabase(trx, await pgTables(trx, schema));
        const file = path.join(dir, PG_DUMP);
        await run("pg_dump", [
          ...["--format=custom", `--schema=${schema}`, `--snapshot=${snapshot}`, `--file=${file}`],
          `--dbname=${databaseUrl}`,
        ]);
        await syncPath(file);
        return { database: "pg" as const, schema, ...described, file: PG_DUMP };
      },
      { isolationLevel: "repeatable read" },
    );
  } finally {
    await db.destroy();
  }
}

/** Copies the stored files; one deleted by the app since the listing (a replaced upload) is skipped. */
async function backupUploads(uploadDir: string, dir: string): Promise<ManifestFile[]> {
  const copied: ManifestFile[] = [];
  for (const relative of await storedFiles(uploadDir)) {
    try {
      const { size, sha256 } = await durableCopy(path.join(uploadDir, relative), path.join(dir, "uploads", relative));
      copied.push({ path: `uploads/${relative}`, size, sha256 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  return copied;
}

export async function backup(dir: string, env: NodeJS.ProcessEnv): Promise<Manifest> {
  const { dataDir, uploadDir, databaseUrl } = appLocations(env);
  if (!(await isEmptyDir(dir))) throw new Error(`${dir} is not empty: back up into a new folder`);
  await mkdir(dir, { recursive: true });
  const createdAt = new Date().toISOString();
  const { file, ...database } = databaseUrl ? await backupPg(databaseUrl, dir) : await backupSqlite(dataDir, dir);
  const files: ManifestFile[] = [{ path: file, ...(await sha256Of(path.join(dir, file))) }];
  files.push(...(await backupUploads(uploadDir, dir)));
  const secret = path.join(dataDir, SESSION_SECRET_FILE);
  if (existsSync(secret))
    files.push({
      path: `data/${SESSION_SECRET_FILE}`,
      ...(await durableCopy(secret, path.join(dir, "data", SESSION_SECRET_FILE))),
    });
  await syncFolders(
    dir,
    files.map((f) => f.path),
  );
  const manifest: Manifest = { format: MANIFEST_FORMAT, ...database, createdAt, files };
  await writeManifest(dir, manifest);
  return manifest;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2];
  if (!dir || process.argv.length > 3) {
    console.error("usage: npm run backup -- DIR");
    process.exitCode = 2;
  } else {
    const target = path.resolve(dir);
    const wasEmpty = await isEmptyDir(target);
    try {
      const m = await backup(target, process.env);
      const bytes = m.files.reduce((sum, f) => sum + f.size, 0);
      console.log(`backup of ${m.database} in ${target}: ${m.files.length} files, ${bytes} bytes, ${m.createdAt}`);
    } catch (err) {
      console.error(`backup failed: ${err instanceof Error ? err.message : String(err)}`);
      // A half-written backup must not be taken for one (it has no manifest, but leave nothing to confuse).
      if (wasEmpty) await rm(target, { recursive: true, force: true });
      process.exitCode = 1;
    }
  }
}
