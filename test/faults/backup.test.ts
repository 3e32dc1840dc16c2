import { expect } from "chai";
import { execFile } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { ready, spawnNode, stop, urlWithSchema } from "../../bench/child-process.js";
import { freePort } from "../../bench/free-port.js";
import { sheetFor } from "../../bench/judge-client.js";
import { backup } from "../../scripts/backup.js";
import { restore } from "../../scripts/restore.js";
import { startJudgingWorld, type JudgingWorld } from "../../bench/judging-seed.js";
import { createDb, type Db } from "../../src/db/knex.js";
import { LocalDiskStorage } from "../../src/storage/local-disk.js";

const run = promisify(execFile);
const SECRET = "backup-test-secret-0123456789";
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** Runs scripts/<name>.ts as npm does, with `env` over this environment; answers its exit status and output. */
async function script(name: "backup" | "restore", dir: string, env: Record<string, string>) {
  try {
    const { stdout } = await run(process.execPath, ["--import", "tsx", `scripts/${name}.ts`, dir], {
      env: { ...process.env, ...env },
    });
    return { code: 0, output: stdout };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, output: e.stderr };
  }
}

function filesUnder(root: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const shard of readdirSync(root).filter((n) => /^[0-9a-f]{2}$/.test(n)))
    for (const name of readdirSync(path.join(root, shard)))
      found.set(name, sha256(readFileSync(path.join(root, shard, name))));
  return found;
}

async function rowCounts(db: Db, dialect: "sqlite" | "pg"): Promise<Record<string, number>> {
  const names =
    dialect === "sqlite"
      ? (
          await db.raw<{ name: string }[]>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'",
          )
        ).map((r) => r.name)
      : (
          await db("information_schema.tables")
            .whereRaw("table_schema = current_schema()")
            .where({ table_type: "BASE TABLE" })
            .select<{ table_name: string }[]>("table_name")
        ).map((r) => r.table_name);
  const counts: Record<string, number> = {};
  for (const name of names.sort()) counts[name] = Number((await db(name).count<{ n: unknown }[]>({ n: "*" }))[0].n);
  return counts;
}

describe("backup and restore (npm run backup / npm run restore)", function () {
  this.timeout(120_000);
  const pgUrl = process.env.DATABASE_URL || null;
  let world: JudgingWorld;
  let work: string;
  let restoreDb: string | null = null;
  let sourceEnv: Record<string, string>;

  before(async () => {
    world = await startJudgingWorld({ judges: 3, perJudge: 4 });
    work = mkdtempSync(path.join(os.tmpdir(), "sw-backup-"));
    sourceEnv = {
      DATA_DIR: path.join(world.dir, "data"),
      UPLOAD_DIR: path.join(world.dir, "uploads"),
      SESSION_SECRET: SECRET,
      DATABASE_URL: pgUrl ? urlWithSchema(pgUrl, world.pgSchema!) : "",
    };
  });

  after(async () => {
    await world?.close();
    if (restoreDb) await createDb({ databaseUrl: pgUrl }).raw(`DROP DATABASE IF EXISTS "${restoreDb}" WITH (FORCE)`);
    rmSync(work, { recursive: true, force: true });
  });

  /** Fresh folders (and on PostgreSQL a fresh database) for a restore; the env the restore and the server take. */
  async function freshTarget(name: string): Promise<Record<string, string>> {
    let databaseUrl = "";
    if (pgUrl) {
      restoreDb = `restore_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
      await world.db.raw(`CREATE DATABASE "${restoreDb}"`);
      const url = new URL(pgUrl);
      url.pathname = `/${restoreDb}`;
      databaseUrl = urlWithSchema(url.href, world.pgSchema!);
    }
    const dir = path.join(work, name);
    return {
      DATA_DIR: path.join(dir, "data"),
      UPLOAD_DIR: path.join(dir, "uploads"),
      SESSION_SECRET: SECRET,
      DATABASE_URL: databaseUrl,
    };
  }

  it("backs up an instance under write load; the restore holds every row counted, every file byte for byte, and the app starts on it", async () => {
    const storage = new LocalDiskStorage(sourceEnv.UPLOAD_DIR);
    let loading = true;
    const acked = new Map<string, number>();
    const ackedFiles = new Map<string, string>();
    // Score saves through the API and files stored as the app stores them (file on disk, then its row), until the backup ends.
    const saves = world.judges.map(async (judge) => {
      for (let n = 0; loading; n += 1) {
        const a = judge.assignments[n % judge.assignments.length];
        const res = await fetch(`${world.url}/api/v1/assignments/${a.id}/score`, {
          method: "PUT",
          headers: { authorization: `Bearer ${judge.token}`, "content-type": "application/json" },
          body: JSON.stringify(sheetFor(world.rubric, n, false)),
        });
        if (!res.ok) throw new Error(`save answered ${res.status}: ${await res.text()}`);
        acked.set(a.id, n);
      }
    });
    const uploads = (async () => {
      for (let i = 0; loading; i += 1) {
        const bytes = randomBytes(1000 + i * 37);
        const incoming = storage.incomingPath();
        await writeFile(incoming, bytes);
        const key = await storage.adopt(incoming);
        await world.db("entry_files").insert({
          ...{ id: randomUUID(), entry_id: `e${i % 4}`, role: `r${i}`, storage_key: key, original_name: `f${i}.bin` },
          ...{ content_type: "bin", size: bytes.length, sha256: sha256(bytes), probe: null, created_at: "2026-12-02" },
        });
        ackedFiles.set(key, sha256(bytes));
      }
    })();
    while (acked.size < world.judges.length || ackedFiles.size < 3) await new Promise((r) => setImmediate(r));
    const savedBefore = new Map(acked);
    const filesBefore = new Map(ackedFiles);

    const backupDir = path.join(work, "backup");
    const made = await script("backup", backupDir, sourceEnv);
    loading = false;
    await Promise.all([...saves, uploads]);
    expect(made.code, made.output).to.equal(0);
    const manifest = JSON.parse(readFileSync(path.join(backupDir, "manifest.json"), "utf8"));
    expect(manifest.database).to.equal(pgUrl ? "pg" : "sqlite");
    const sourceCounts = await rowCounts(world.db, world.dialect);
    expect(Object.keys(manifest.tables)).to.deep.equal(Object.keys(sourceCounts));

    const target = await freshTarget("restored");
    const restored = await script("restore", backupDir, target);
    expect(restored.code, restored.output).to.equal(0);

    const db = createDb({
      databaseUrl: target.DATABASE_URL || null,
      sqliteFile: path.join(target.DATA_DIR, "app.sqlite"),
    });
    try {
      // The rows of the backup's moment: everything acknowledged before it began, nothing beyond what the source has now.
      const counts = await rowCounts(db, world.dialect);
      expect(counts).to.deep.equal(manifest.tables);
      for (const [table, n] of Object.entries(counts)) expect(n, table).to.be.at.most(sourceCounts[table]);
      const sheets = await db("assignments").select<{ id: string; comment: string | null }[]>("id", "comment");
      for (const [id, n] of savedBefore) {
        const comment = sheets.find((s) => s.id === id)?.comment ?? "";
        expect(Number(comment.replace("save ", "")), id).to.be.at.least(n);
      }
      // Every file a row names is there byte for byte; a file without a row is only one whose row came after the snapshot.
      const files = filesUnder(target.UPLOAD_DIR);
      const rows = await db("entry_files").select<{ storage_key: string; sha256: string }[]>("storage_key", "sha256");
      for (const row of rows) expect(files.get(row.storage_key), row.storage_key).to.equal(row.sha256);
      for (const [key, hash] of filesBefore) expect(files.get(key), key).to.equal(hash);
      const named = new Set(rows.map((r) => r.storage_key));
      for (const [key, hash] of files) if (!named.has(key)) expect(ackedFiles.get(key), key).to.equal(hash);
      const listed = manifest.files.filter((f: { path: string }) => f.path.startsWith("uploads/"));
      expect(listed.length).to.equal(files.size);
      for (const f of listed) expect(files.get(path.basename(f.path)), f.path).to.equal(f.sha256);
    } finally {
      await db.destroy();
    }

    // The app starts on the restore, and a judge's token and last saved sheet came with it.
    const port = await freePort();
    const child = spawnNode(["--import", "tsx", "src/server.ts"], {
      ...target,
      PORT: String(port),
      LOG_LEVEL: "error",
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      await ready(base, child);
      const [id] = savedBefore.keys();
      const judge = world.judges.find((j) => j.assignments.some((a) => a.id === id))!;
      const res = await fetch(`${base}/api/v1/assignments/${id}/score`, {
        headers: { authorization: `Bearer ${judge.token}` },
      });
      expect(res.status).to.equal(200);
      const body = (await res.json()) as { assignment: { comment: string } };
      expect(Number(body.assignment.comment.replace("save ", ""))).to.be.at.least(savedBefore.get(id)!);
    } finally {
      await stop(child);
    }
  });

  it("refuses a damaged backup and a folder that is not empty, and writes nothing", async () => {
    const backupDir = path.join(work, "backup");
    const damaged = path.join(work, "damaged");
    cpSync(backupDir, damaged, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(damaged, "manifest.json"), "utf8")) as {
      files: { path: string }[];
    };
    const upload = manifest.files.find((f) => f.path.startsWith("uploads/"))!;
    const bytes = readFileSync(path.join(damaged, upload.path));
    bytes[0] ^= 0xff;
    writeFileSync(path.join(damaged, upload.path), bytes);
    const empty = {
      DATA_DIR: path.join(work, "empty", "data"),
      UPLOAD_DIR: path.join(work, "empty", "uploads"),
      SESSION_SECRET: SECRET,
      DATABASE_URL: sourceEnv.DATABASE_URL,
    };
    // In this process (the command line itself ran in the test above): each refusal is the thrown error's message.
    const refusal = (attempt: Promise<unknown>) =>
      attempt.then(
        () => "done",
        (err: Error) => err.message,
      );
    expect(await refusal(restore(damaged, empty))).to.contain(upload.path);
    expect(readdirSync(work)).not.to.include("empty");
    // The source instance itself is not empty: restoring over it is refused before anything is read.
    expect(await refusal(restore(backupDir, sourceEnv))).to.contain("is not empty");
    // Nor does a backup go into a folder that holds something.
    expect(await refusal(backup(damaged, sourceEnv))).to.contain("is not empty");
  });
});
