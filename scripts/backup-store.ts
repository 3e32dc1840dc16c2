// What `npm run backup` and `npm run restore` share: the manifest (its schema is its type), the folders
// they read from the app's configuration, durable copies that hash what they copy, and row counts.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Type, type Static } from "@sinclair/typebox";
import { loadConfig } from "../src/config.js";
import type { Db } from "../src/db/knex.js";
import { syncPath } from "../src/lib/files.js";
import { LocalDiskStorage } from "../src/storage/local-disk.js";
import { StringEnum } from "../src/lib/schema.js";
import { compile } from "../src/lib/validate.js";

export const MANIFEST_FORMAT = 1;
export const MANIFEST_FILE = "manifest.json";
export const SQLITE_COPY = "database.sqlite";
export const PG_DUMP = "database.pgdump";
export const SESSION_SECRET_FILE = "session-secret";

// Only paths the backup itself writes: a manifest from elsewhere must not name a path outside the targets.
const BACKUP_PATH =
  "^(database\\.sqlite|database\\.pgdump|data/session-secret|uploads/[0-9a-f]{2}/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$";

const ManifestSchema = Type.Object(
  {
    format: Type.Literal(MANIFEST_FORMAT),
    database: StringEnum(["sqlite", "pg"] as const),
    /** The PostgreSQL schema dumped (restored under the same name); null on SQLite. */
    schema: Type.Union([Type.String({ pattern: "^[a-z_][a-z0-9_]*$", maxLength: 63 }), Type.Null()]),
    createdAt: Type.String({ format: "date-time" }),
    /** knex_migrations in the order applied: the app version the database belongs to. */
    migrations: Type.Array(Type.String()),
    /** Every table's row count, read in the same snapshot the database copy was taken from. */
    tables: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
    files: Type.Array(
      Type.Object(
        {
          path: Type.String({ pattern: BACKUP_PATH }),
          size: Type.Integer({ minimum: 0 }),
          sha256: Type.String({ pattern: "^[0-9a-f]{64}$" }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type Manifest = Static<typeof ManifestSchema>;
export type ManifestFile = Manifest["files"][number];
export const parseManifest = compile(ManifestSchema);

/** The app's folders and database, validated as the server validates them (DATA_DIR, UPLOAD_DIR, DATABASE_URL). */
export function appLocations(env: NodeJS.ProcessEnv): {
  dataDir: string;
  uploadDir: string;
  databaseUrl: string | null;
} {
  // loadConfig would otherwise create data/session-secret, and a restore target must stay empty until it is checked.
  const { dataDir, uploadDir, databaseUrl } = loadConfig({ ...env, SESSION_SECRET: "not-used-by-backup-scripts" });
  return { dataDir, uploadDir, databaseUrl };
}

/** True when `dir` is missing or holds nothing. */
export async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw err;
  }
}

/** Copies `from` to `to` (its folder made), flushed to disk; answers the size and SHA-256 of the bytes copied. */
export async function durableCopy(from: string, to: string): Promise<{ size: number; sha256: string }> {
  await mkdir(path.dirname(to), { recursive: true });
  const hash = createHash("sha256");
  let size = 0;
  await pipeline(
    createReadStream(from),
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        hash.update(chunk);
        size += chunk.length;
        yield chunk;
      }
    },
    createWriteStream(to, { flags: "wx" }),
  );
  await syncPath(to);
  return { size, sha256: hash.digest("hex") };
}

/** The stored files under UPLOAD_DIR, relative, as the store lists them; uploads still arriving are not data. */
export async function storedFiles(uploadDir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const item of new LocalDiskStorage(uploadDir).list())
    if (item.key !== null) found.push(path.relative(uploadDir, item.path));
  return found.sort();
}

/** Flushes every folder a set of copied files sits in, then the root: their names survive a power cut. */
export async function syncFolders(root: string, relativeFiles: readonly string[]): Promise<void> {
  const folders = new Set(relativeFiles.map((f) => path.dirname(path.join(root, f))));
  for (const folder of folders) await syncPath(folder);
  await syncPath(root);
}

/** Writes the manifest last, atomically: a backup folder with a manifest is a complete backup. */
export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  const temporary = path.join(dir, `${MANIFEST_FILE}.tmp`);
  await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`, { flag: "wx" });
  await syncPath(temporary);
  await rename(temporary, path.join(dir, MANIFEST_FILE));
  await syncPath(dir);
}

/** Every table's row count and the migrations applied, as `db` (or its transaction) sees them. */
export async function describeDatabase(
  db: Db | import("knex").Knex.Transaction,
  tableNames: readonly string[],
): Promise<{ tables: Record<string, number>; migrations: string[] }> {
  const tables: Record<string, number> = {};
  for (const name of [...tableNames].sort()) {
    const [row] = await db(name).count<{ n: number | string }[]>({ n: "*" });
    tables[name] = Number(row.n);
  }
  const migrations = await db("knex_migrations").orderBy("id").select<{ name: string }[]>("name");
  return { tables, migrations: migrations.map((m) => m.name) };
}

export async function sqliteTables(db: Db): Promise<string[]> {
  const rows = await db.raw<{ name: string }[]>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
  );
  return rows.map((r) => r.name);
}

export async function pgTables(db: Db | import("knex").Knex.Transaction, schema: string): Promise<string[]> {
  const rows = await db("information_schema.tables")
    .where({ table_schema: schema, table_type: "BASE TABLE" })
    .select<{ table_name: string }[]>("table_name");
  return rows.map((r) => r.table_name);
}
