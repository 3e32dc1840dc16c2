/**
 * Restores a backup made by `npm run backup`: npm run restore -- DIR
 *
 * Into the DATA_DIR, UPLOAD_DIR and DATABASE_URL the server will use, which must be empty: both folders
 * missing or empty, and on PostgreSQL no table in the backed-up schema (it is restored under the same
 * name, in the database DATABASE_URL names). Every file's SHA-256 is checked against the manifest
 * before anything is written; after the restore every table's row count is checked against it. Then
 * start the app on it. Exit status 0 restored, 1 refused or failed.
 */
import { execFile } from "node:child_process";
import { readdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { createDb, type Db } from "../src/db/knex.js";
import {
  appLocations,
  describeDatabase,
  durableCopy,
  isEmptyDir,
  MANIFEST_FILE,
  parseManifest,
  PG_DUMP,
  pgTables,
  SQLITE_COPY,
  sqliteTables,
  syncFolders,
  type Manifest,
} from "./backup-store.js";
import { sha256Of, syncPath } from "../src/lib/files.js";

const run = promisify(execFile);

async function readManifest(dir: string): Promise<Manifest> {
  const text = await readFile(path.join(dir, MANIFEST_FILE), "utf8").catch(() => {
    throw new Error(`${dir} has no ${MANIFEST_FILE}: not a finished backup`);
  });
  try {
    return parseManifest(JSON.parse(text));
  } catch {
    throw new Error(`${MANIFEST_FILE} is not a manifest of this app's backups (format 1)`);
  }
}

/** Every listed file is there with its size and hash: a damaged backup is refused before anything is written. */
async function verifyFiles(dir: string, manifest: Manifest): Promise<void> {
  const bad: string[] = [];
  for (const f of manifest.files) {
    const found = await sha256Of(path.join(dir, f.path)).catch(() => null);
    if (!found || found.size !== f.size || found.sha256 !== f.sha256) bad.push(f.path);
  }
  if (bad.length > 0) throw new Error(`files missing or changed since the backup: ${bad.join(", ")}`);
}

/** The restored database holds exactly the rows the backup counted. */
async function checkRows(db: Db, tableNames: string[], manifest: Manifest): Promise<void> {
  const { tables, migrations } = await describeDatabase(db, tableNames);
  const differ = Object.keys({ ...tables, ...manifest.tables }).filter((t) => tables[t] !== manifest.tables[t]);
  if (differ.length > 0 || migrations.join() !== manifest.migrations.join())
    throw new Error(`the restored database differs from the backup in: ${[...differ, "migrations"].join(", ")}`);
}

/** Refuses a schema that holds anything; drops an empty one, so the dump's CREATE SCHEMA makes it afresh. */
async function emptyPgTarget(databaseUrl: string, schema: string): Promise<void> {
  const db = createDb({ databaseUrl });
  try {
    const [{ n }] = await db("pg_class")
      .join("pg_namespace", "pg_namespace.oid", "pg_class.relnamespace")
      .where("pg_namespace.nspname", schema)
      .count<{ n: string }[]>({ n: "*" });
    if (Number(n) > 0) throw new Error(`schema "${schema}" is not empty: restore into an empty database`);
    await db.raw("DROP SCHEMA IF EXISTS ??", [schema]);
  } finally {
    await db.destroy();
  }
}

async function restoreDatabase(dir: string, manifest: Manifest, dataDir: string, databaseUrl: string | null) {
  if (manifest.database === "sqlite") {
    // Copied under a temporary name and renamed: a crash midway leaves no file the app would open.
    const target = path.join(dataDir, "app.sqlite");
    await durableCopy(path.join(dir, SQLITE_COPY), `${target}.restoring`);
    await rename(`${target}.restoring`, target);
    await syncPath(dataDir);
    const db = createDb({ databaseUrl: null, sqliteFile: target });
    try {
      await checkRows(db, await sqliteTables(db), manifest);
    } finally {
      await db.destroy();
    }
    return;
  }
  const schema = manifest.schema!;
  // One transaction: a failed restore leaves the database as empty as it was.
  await run("pg_restore", [
    ...["--no-owner", "--exit-on-error", "--single-transaction", `--dbname=${databaseUrl!}`],
    path.join(dir, PG_DUMP),
  ]);
  const db = createDb({ databaseUrl: databaseUrl!, pgSchema: schema });
  try {
    await checkRows(db, await pgTables(db, schema), manifest);
  } finally {
    await db.destroy();
  }
}

export async function restore(dir: string, env: NodeJS.ProcessEnv): Promise<Manifest> {
  const { dataDir, uploadDir, databaseUrl } = appLocations(env);
  const manifest = await readManifest(dir);
  if ((manifest.database === "pg") !== (databaseUrl !== null))
    throw new Error(
      manifest.database === "pg"
        ? "this is a PostgreSQL backup: set DATABASE_URL to the database to restore into"
        : "this is an SQLite backup: unset DATABASE_URL",
    );
  for (const folder of [dataDir, uploadDir])
    if (!(await isEmptyDir(folder))) throw new Error(`${folder} is not empty: restore into empty folders`);
  if (manifest.database === "pg" && !manifest.schema) throw new Error("the manifest names no schema");
  await verifyFiles(dir, manifest);
  if (databaseUrl) await emptyPgTarget(databaseUrl, manifest.schema!);
  try {
    const uploads = manifest.files.filter((f) => f.path.startsWith("uploads/")).map((f) => f.path.slice(8));
    for (const relative of uploads)
      await durableCopy(path.join(dir, "uploads", relative), path.join(uploadDir, relative));
    await syncFolders(uploadDir, uploads);
    const secret = manifest.files.find((f) => f.path.startsWith("data/"));
    if (secret) await durableCopy(path.join(dir, secret.path), path.join(dataDir, path.basename(secret.path)));
    await restoreDatabase(dir, manifest, dataDir, databaseUrl);
  } catch (err) {
    // The folders were empty: a failed restore leaves them so, and the app is not started on half a restore.
    for (const folder of [dataDir, uploadDir])
      for (const name of await readdir(folder).catch(() => [])) await rm(path.join(folder, name), { recursive: true });
    throw err;
  }
  return manifest;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2];
  if (!dir || process.argv.length > 3) {
    console.error("usage: npm run restore -- DIR");
    process.exitCode = 2;
  } else {
    try {
      const m = await restore(path.resolve(dir), process.env);
      const rows = Object.values(m.tables).reduce((sum, n) => sum + n, 0);
      console.log(`restored the ${m.database} backup of ${m.createdAt}: ${m.files.length} files, ${rows} rows`);
    } catch (err) {
      console.error(`restore failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    }
  }
}
