import { expect } from "chai";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import request from "supertest";
import { allStarted, ready, spawnNode, stop, urlWithSchema } from "../../bench/child-process.js";
import { freePort } from "../../bench/free-port.js";
import type { Knex } from "knex";
import { migrations } from "../../migrations/index.js";
import { createDb, type Db } from "../../src/db/knex.js";
import { migrateLatest, type MigrationList } from "../../src/db/migrate.js";
import { ADMIN, startTestApp, type TestApp } from "../helpers/app.js";
import { judgedContest, type JudgedContest } from "../helpers/judged.js";
import { EXPAND_MIGRATION } from "./upgrade/expand-judge-note.js";

/** One database for several processes: an SQLite file in a temp folder, or a fresh PostgreSQL schema. */
interface SharedDb {
  dir: string;
  env: Record<string, string>;
  /** A connection of the test's own, to look at what the processes did. */
  db: Db;
  /** Another connection of its own, as a second process would have. */
  connect(): Db;
  drop(): Promise<void>;
}

const pgUrl = process.env.DATABASE_URL || null;

async function sharedDb(dir: string, schema: string): Promise<SharedDb> {
  const connect = () =>
    createDb({ databaseUrl: pgUrl, sqliteFile: path.join(dir, "data", "app.sqlite"), pgSchema: schema });
  const db = connect();
  if (!pgUrl) return { dir, env: { DATA_DIR: path.join(dir, "data") }, db, connect, drop: () => db.destroy() };
  // Its first connection makes the schema, before any process looks for it.
  await db.raw("SELECT 1");
  return {
    dir,
    env: { DATA_DIR: path.join(dir, "data"), DATABASE_URL: urlWithSchema(pgUrl, schema) },
    db,
    connect,
    async drop() {
      await db.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db.destroy();
    },
  };
}

interface AppProcess {
  url: string;
  child: ChildProcess;
}

/** A server process (src/server.ts, or `script` in its place) on the shared database, as soon as it is spawned. */
async function spawnApp(shared: SharedDb, name: string, script = "src/server.ts"): Promise<AppProcess> {
  const port = await freePort();
  const child = spawnNode(["--import", "tsx", script], {
    ...shared.env,
    PORT: String(port),
    UPLOAD_DIR: path.join(shared.dir, name, "uploads"),
    SESSION_SECRET: "test-secret-0123456789",
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: "error",
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

/** `spawnApp`, once it serves; fails if it exits before or never gets ready (then it is killed). */
async function serve(shared: SharedDb, name: string, script = "src/server.ts"): Promise<AppProcess> {
  const { url, child } = await spawnApp(shared, name, script);
  await ready(url, child);
  return { url, child };
}

const tag = () => `${process.pid}_${Date.now()}`;

describe(`migrations with several processes on one ${pgUrl ? "PostgreSQL schema" : "SQLite file"}`, function () {
  this.timeout(180_000);

  describe("two processes started at the same moment on a fresh database", () => {
    let shared: SharedDb;
    const processes: AppProcess[] = [];

    before(async () => {
      shared = await sharedDb(mkdtempSync(path.join(os.tmpdir(), "sw-migrate-")), `mig_${tag()}`);
      processes.push(...(await allStarted([serve(shared, "a"), serve(shared, "b")])));
    });
    after(async () => {
      await Promise.all(processes.map((p) => stop(p.child)));
      await shared?.drop();
      if (shared) rmSync(shared.dir, { recursive: true, force: true });
    });

    it("run every migration once: one knex_migrations row per migration, one lock row, left unlocked", async () => {
      const rows = await shared.db("knex_migrations").select("name");
      expect(rows.map((r: { name: string }) => r.name)).to.have.members(Object.keys(migrations));
      expect(await shared.db("knex_migrations_lock").select("is_locked")).to.deep.equal([{ is_locked: 0 }]);
    });

    it("both serve, and both know the one first organizer made between them", async () => {
      expect(await shared.db("users").where({ role: "organizer" }).count({ n: "*" })).to.deep.equal([
        { n: pgUrl ? "1" : 1 },
      ]);
      for (const p of processes) {
        const res = await request(p.url).post("/api/v1/auth/token").send(ADMIN);
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
      }
    });

    it("a third, started while the migration lock is held, listens and says starting, holds requests, and serves them once the lock is released", async () => {
      await shared.db("knex_migrations_lock").update({ is_locked: 1 });
      const third = await spawnApp(shared, "c");
      processes.push(third);
      // Listening comes first; the lock keeps it starting for as long as it is held.
      let readyz: Response | undefined;
      while (!(readyz = await fetch(`${third.url}/readyz`).catch(() => undefined))) await delay(100);
      expect(readyz.status).to.equal(503);
      expect(await readyz.json()).to.deep.equal({ ready: false, state: "starting" });
      const health = await request(third.url).get("/healthz");
      expect(health.status, "the database answers meanwhile").to.equal(200);
      // A sign-in sent now (as a balancer without health checks would pass it on) waits for the start.
      const signIn = request(third.url)
        .post("/api/v1/auth/token")
        .send(ADMIN)
        .then((res) => res);
      expect((await request(third.url).get("/readyz")).body.state, "still starting").to.equal("starting");

      await shared.db("knex_migrations_lock").update({ is_locked: 0 });
      const res = await signIn;
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      await ready(third.url);
    });
  });

  describe("a process that read the applied migrations before another one's batch ran", () => {
    let shared: SharedDb;
    let late: Db;

    before(async () => {
      shared = await sharedDb(mkdtempSync(path.join(os.tmpdir(), "sw-migrate-")), `mig_${tag()}`);
      late = shared.connect();
    });
    after(async () => {
      await late?.destroy();
      await shared?.drop();
      if (shared) rmSync(shared.dir, { recursive: true, force: true });
    });

    it("runs none of them again: once it holds the lock it reads the list afresh", async () => {
      const ran: string[] = [];
      const table = (who: string, name: string): Knex.Migration => ({
        up: async (knex) => {
          ran.push(`${who} ${name}`);
          await knex.schema.createTable(name, (t) => t.integer("n"));
        },
        down: (knex) => knex.schema.dropTable(name),
      });
      // A migration outside the batch's transaction, as the app's own list has (knex then skips its re-read).
      const list = (who: string): MigrationList => ({
        "001_stale_one": Object.assign(table(who, "stale_one"), { config: { transaction: false } }),
        "002_stale_two": table(who, "stale_two"),
      });
      let first: Promise<string[]> | undefined;
      const lateList = list("late");
      const lateTwo = lateList["002_stale_two"];
      // Asked for after the late process has read what is applied and before it takes the lock: the other
      // process runs its whole batch right then. (migrateLatest's source resolves a promise in the list.)
      Object.defineProperty(lateList, "002_stale_two", {
        enumerable: true,
        get: () => (first ??= migrateLatest(shared.db, list("first"))).then(() => lateTwo),
      });

      expect(await migrateLatest(late, lateList)).to.deep.equal([]);
      expect(await first).to.deep.equal(["001_stale_one", "002_stale_two"]);
      expect(ran).to.deep.equal(["first stale_one", "first stale_two"]);
      expect(await shared.db("knex_migrations_lock").select("is_locked")).to.deep.equal([{ is_locked: 0 }]);
    });
  });

  if (!pgUrl) {
    // Not a pending test (mocha forbids those): with SQLite the app runs as one process, so an upgrade stops it first.
    console.warn(
      "migrations.test.ts: the expand migration under a serving old process needs PostgreSQL (DATABASE_URL=…)",
    );
    return;
  }

  describe("an expand migration applied by a new process while an old one serves score saves", () => {
    let seeder: TestApp;
    let shared: SharedDb;
    let contest: JudgedContest;
    let old: AppProcess | undefined;
    let next: AppProcess | undefined;
    /** Every judge's assignments, in entry order. */
    const queues: { token: string; ids: string[] }[] = [];

    before(async () => {
      // The old version's database, seeded through the app in-process: a contest in judging, nothing scored.
      seeder = await startTestApp();
      contest = await judgedContest(seeder, { sheets: Array.from({ length: 4 }, () => [null, null, null]) });
      for (const judge of contest.judges) {
        const res = await request(seeder.server)
          .get("/api/v1/me/assignments")
          .set("Authorization", `Bearer ${judge.token}`);
        const items = res.body.assignments as { id: string; entryId: string }[];
        queues.push({ token: judge.token, ids: contest.entries.map((e) => items.find((a) => a.entryId === e.id)!.id) });
      }
      const schema = (await seeder.db.raw<{ rows: { s: string }[] }>("SELECT current_schema() AS s")).rows[0].s;
      shared = await sharedDb(seeder.dir, schema);
      old = await serve(shared, "old");
    });
    after(async () => {
      await Promise.all([old, next].flatMap((p) => (p ? [stop(p.child)] : [])));
      // The seeder drops the schema and the folder.
      await shared?.db.destroy();
      await seeder?.close();
    });

    it("the old process answers every save 200 before, during and after; each sheet holds its last acknowledged save", async () => {
      /** Per assignment, the last save answered 200, and every answer that was not. */
      const acknowledged = new Map<string, number>();
      const failures: string[] = [];
      let saves = 0;
      let upgrading = true;
      let savesAfter = 0;
      let counted = () => {};
      const twentySaves = new Promise<void>((resolve) => (counted = () => saves >= 20 && resolve()));
      // One save in flight per judge, round his assignments, until the upgrade is done and saves went on after it.
      const judge = async ({ token, ids }: { token: string; ids: string[] }) => {
        for (let n = 0; upgrading || savesAfter < 20; n += 1) {
          const id = ids[n % ids.length];
          const res = await request(old!.url)
            .put(`/api/v1/assignments/${id}/score`)
            .set("Authorization", `Bearer ${token}`)
            .send({ scores: { scientific: n % 31 }, comment: `save ${n}`, submit: false });
          if (res.status === 200) acknowledged.set(id, n);
          else failures.push(`${res.status} ${JSON.stringify(res.body)}`);
          saves += 1;
          if (!upgrading) savesAfter += 1;
          counted();
        }
      };
      const load = Promise.all(queues.map(judge));
      await twentySaves;
      next = await serve(shared, "next", "test/faults/upgrade/new-version.ts");
      upgrading = false;
      await load;

      expect(failures).to.deep.equal([]);
      for (const [id, n] of acknowledged) {
        const row = await shared.db("assignments").where({ id }).first("comment", "judge_note");
        expect(row).to.deep.equal({ comment: `save ${n}`, judge_note: null });
      }
    });

    // The new version's server then ran the app's own list, which lacks the expand migration: as an old
    // process restarted on the expanded database (systemd after a crash, or a rollback) does, it started.
    it("the expand migration ran once; the new version serves saves and its new column takes writes beside the old", async () => {
      const rows = await shared.db("knex_migrations").where({ name: EXPAND_MIGRATION }).select("name");
      expect(rows).to.have.length(1);
      const { token, ids } = queues[0];
      const res = await request(next!.url)
        .put(`/api/v1/assignments/${ids[0]}/score`)
        .set("Authorization", `Bearer ${token}`)
        .send({ scores: { scientific: 7 }, comment: "through the new version", submit: false });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      // The new version's code would write its column; the old process keeps saving the same row.
      await shared.db("assignments").where({ id: ids[0] }).update({ judge_note: "新版本的备注" });
      const again = await request(old!.url)
        .put(`/api/v1/assignments/${ids[0]}/score`)
        .set("Authorization", `Bearer ${token}`)
        .send({ scores: { scientific: 8 }, comment: "through the old version", submit: false });
      expect(again.status, JSON.stringify(again.body)).to.equal(200);
      expect(await shared.db("assignments").where({ id: ids[0] }).first("comment", "judge_note")).to.deep.equal({
        comment: "through the old version",
        judge_note: "新版本的备注",
      });
    });
  });
});
