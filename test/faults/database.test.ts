import { expect } from "chai";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import request from "supertest";
import { createDb, type Db } from "../../src/db/knex.js";
import { startTestApp, type TestApp } from "../helpers/app.js";
import { judgedContest, type JudgedContest } from "../helpers/judged.js";

const run = promisify(execFile);
const onPostgres = Boolean(process.env.DATABASE_URL);
/** The cluster to restart: CI's is "15 main"; a developer sharing that one points this at a private cluster. */
const PG_CLUSTER = (process.env.PG_CLUSTER ?? "15 main").split(" ");

/** One judge's draft save; its scores encode `n` (distinct for n < 651), as stored in the sheet and its history. */
const draft = (n: number) => ({ scores: { scientific: n % 31, knowledge: Math.floor(n / 31) % 21 }, submit: false });

interface Fixture {
  app: TestApp;
  contest: JudgedContest;
  /** Each judge's one assignment, in judge order. */
  assignments: string[];
}

async function fixture(judges: number): Promise<Fixture> {
  const app = await startTestApp();
  const contest = await judgedContest(app, { sheets: [Array.from({ length: judges }, () => null)] });
  const assignments: string[] = [];
  for (const judge of contest.judges) {
    const res = await request(app.server).get("/api/v1/me/assignments").set("Authorization", `Bearer ${judge.token}`);
    assignments.push((res.body.assignments as { id: string }[])[0].id);
  }
  return { app, contest, assignments };
}

const save = (f: Fixture, j: number, n: number) =>
  request(f.app.server)
    .put(`/api/v1/assignments/${f.assignments[j]}/score`)
    .set("Authorization", `Bearer ${f.contest.judges[j].token}`)
    .set("Accept-Language", "en")
    .send(draft(n));

/** A 503 as the API promises it: the error shape, the code, English on request, and when to try again. */
function expectUnavailable(res: request.Response): void {
  expect(res.status, JSON.stringify(res.body)).to.equal(503);
  expect(res.headers["retry-after"]).to.equal("5");
  expect(res.body.error.code).to.equal("database_unavailable");
  expect(res.body.error.message).to.match(/database is not answering/);
}

/** Every save of an assignment, oldest first, as its history holds them. */
async function historyOf(db: Db, assignmentId: string) {
  const rows = await db("score_history").where({ assignment_id: assignmentId }).orderBy("id").select("before", "after");
  return rows.map((r: { before: string | null; after: string }) => ({
    before: r.before === null ? null : (JSON.parse(r.before) as unknown),
    after: JSON.parse(r.after) as { scores: Record<string, number> },
  }));
}

if (onPostgres) {
  console.warn("database.test.ts: the SQLite busy test runs only on SQLite (npm run test:faults without DATABASE_URL)");
} else {
  describe("faults: SQLite busy or locked by another process", function () {
    this.timeout(60_000);
    let f: Fixture;
    let locker: Db;

    before(async () => {
      f = await fixture(1);
      // A second connection to the same file, as a backup tool or a stray sqlite3 shell would hold it.
      locker = createDb({ databaseUrl: null, sqliteFile: path.join(f.app.dir, "data", "app.sqlite") });
    });
    after(async () => {
      await locker?.destroy();
      await f?.app.close();
    });

    it("a write while another holds the write lock is retried for the busy timeout, then answered 503 and nothing written; once released, the same save lands", async () => {
      const history = await historyOf(f.app.db, f.assignments[0]);
      await locker.raw("BEGIN IMMEDIATE");
      try {
        expectUnavailable(await save(f, 0, 1));
        expect(await historyOf(f.app.db, f.assignments[0])).to.deep.equal(history);
      } finally {
        await locker.raw("ROLLBACK");
      }
      const res = await save(f, 0, 1);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect((await historyOf(f.app.db, f.assignments[0])).map((h) => h.after.scores)).to.deep.equal([draft(1).scores]);
    });
  });
}

if (!onPostgres || process.getuid?.() !== 0) {
  console.warn("database.test.ts: the PostgreSQL restart needs PostgreSQL (DATABASE_URL) and root (pg_ctlcluster)");
} else {
  describe(`faults: PostgreSQL (cluster ${PG_CLUSTER.join(" ")}) restarted under load`, function () {
    this.timeout(120_000);
    const JUDGES = 4;
    let f: Fixture;

    before(async () => {
      f = await fixture(JUDGES);
    });
    after(async () => {
      // Whatever happened above, the shared cluster is left running.
      await run("pg_ctlcluster", [...PG_CLUSTER, "start"]).catch(() => undefined);
      await f?.app.close();
    });

    it("saves during the outage get 503 with the error shape, the pool reconnects by itself, every acknowledged save is stored and nothing is half-written", async () => {
      let phase: "before" | "down" | "after" | "done" = "before";
      /** Per judge: the saves answered 200, and in which phase they were sent. */
      const acknowledged: { n: number; phase: string }[][] = f.assignments.map(() => []);
      const unexpected: string[] = [];
      let refused = 0;
      const worker = async (j: number) => {
        for (let n = 1; phase !== "done" && n < 651; n += 1) {
          const sentIn = phase;
          const res = await save(f, j, n);
          if (res.status === 200) acknowledged[j].push({ n, phase: sentIn });
          else if (res.status === 503 && res.body.error?.code === "database_unavailable") {
            refused += 1;
            // A client backing off, not a wait for anything: the loop must not spin on instant refusals.
            await new Promise((r) => setTimeout(r, 20));
          } else unexpected.push(`${res.status} ${JSON.stringify(res.body)}`);
        }
      };
      const until = async (check: () => boolean) => {
        while (!check()) await new Promise((r) => setTimeout(r, 20));
      };
      const workers = f.assignments.map((_, j) => worker(j));
      try {
        await until(() => acknowledged.every((a) => a.length > 0));
        // Stopped and started apart (a restart in two steps) so a save is sure to be sent while it is down.
        await run("pg_ctlcluster", [...PG_CLUSTER, "stop", "-m", "fast"]);
        phase = "down";
        expectUnavailable(await save(f, 0, 9999 % 651));
        await run("pg_ctlcluster", [...PG_CLUSTER, "start"]);
        phase = "after";
        // The same app, never restarted: its pool makes new connections once the server is back.
        await until(() => acknowledged.every((a) => a.some((s) => s.phase === "after")) || unexpected.length > 0);
      } finally {
        phase = "done";
        await Promise.all(workers);
      }
      expect(unexpected).to.deep.equal([]);
      expect(refused).to.be.greaterThan(0);
      const acked = acknowledged.reduce((sum, a) => sum + a.length, 0);
      console.log(`      PostgreSQL restart: ${acked} saves acknowledged (all found), ${refused} answered 503`);
      for (const [j, id] of f.assignments.entries()) {
        const history = await historyOf(f.app.db, id);
        const stored = history.map((h) => JSON.stringify(h.after.scores));
        for (const { n } of acknowledged[j]) expect(stored).to.include(JSON.stringify(draft(n).scores));
        // Each save saw the one stored before it, and the sheet is the last one: no save stored in part.
        for (let i = 1; i < history.length; i += 1) expect(history[i].before).to.deep.equal(history[i - 1].after);
        const sheet = await f.app.db("assignments").where({ id }).first("scores");
        expect(JSON.parse(sheet.scores)).to.deep.equal(history[history.length - 1].after.scores);
      }
    });
  });
}
