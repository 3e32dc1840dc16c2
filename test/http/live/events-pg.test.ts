import { expect } from "chai";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { allStarted, ready, spawnNode, stop, urlWithSchema } from "../../../bench/child-process.js";
import { freePort } from "../../../bench/free-port.js";
import { startTestApp, type TestApp } from "../../helpers/app.js";
import { startedLiveFinal, submitCurrent, type LiveContest } from "../../helpers/live.js";
import { liveOf, newerThan, openSse, type SseClient } from "../../helpers/sse.js";

interface AppProcess {
  url: string;
  /** The PostgreSQL application_name of every connection of this process, to find its LISTEN connection. */
  name: string;
  child: ChildProcess;
}

/** The real server (src/server.ts through tsx) on its own port, on the test schema, as one of several behind a balancer. */
async function startProcess(pgUrl: string, schema: string, dir: string, name: string): Promise<AppProcess> {
  const port = await freePort();
  const child = spawnNode(["--import", "tsx", "src/server.ts"], {
    PORT: String(port),
    DATABASE_URL: urlWithSchema(pgUrl, schema, { application_name: name }),
    DATA_DIR: path.join(dir, name, "data"),
    UPLOAD_DIR: path.join(dir, name, "uploads"),
    SESSION_SECRET: "test-secret-0123456789",
    LOG_LEVEL: "error",
  });
  const url = `http://127.0.0.1:${port}`;
  await ready(url, child);
  return { url, name, child };
}

if (!process.env.DATABASE_URL) {
  // Not a pending test (mocha forbids those here): there is simply nothing to run without PostgreSQL.
  console.warn("events-pg.test.ts skipped: two app processes need PostgreSQL (DATABASE_URL=… npm run test:pg)");
} else {
  describe("live final events across two app processes on PostgreSQL (LISTEN/NOTIFY)", function () {
    this.timeout(120_000);
    let seeder: TestApp;
    let contest: LiveContest;
    let a: AppProcess | undefined;
    let b: AppProcess | undefined;
    let viewer: SseClient | undefined;
    let dir: string;

    /** The backend pids of `p`'s LISTEN connection (none while nobody watches through it). */
    const listening = async (p: AppProcess): Promise<number[]> => {
      const rows = await seeder.db.raw<{ rows: { pid: number }[] }>(
        "SELECT pid FROM pg_stat_activity WHERE application_name = ? AND query = 'LISTEN live_final'",
        [p.name],
      );
      return rows.rows.map((r) => r.pid);
    };
    const until = async (check: () => Promise<boolean>) => {
      while (!(await check())) await new Promise((r) => setTimeout(r, 50));
    };

    before(async () => {
      // The schema, its migrations and the contest come from an in-process app; the two servers share them.
      seeder = await startTestApp();
      contest = await startedLiveFinal(seeder);
      const schema = (await seeder.db.raw<{ rows: { s: string }[] }>("SELECT current_schema() AS s")).rows[0].s;
      dir = mkdtempSync(path.join(os.tmpdir(), "sw-live-pg-"));
      const tag = `${process.pid}-${Date.now()}`;
      [a, b] = await allStarted([
        startProcess(process.env.DATABASE_URL!, schema, dir, `live-a-${tag}`),
        startProcess(process.env.DATABASE_URL!, schema, dir, `live-b-${tag}`),
      ]);
    });
    after(async () => {
      viewer?.close();
      await Promise.all([a, b].flatMap((p) => (p ? [stop(p.child)] : [])));
      await seeder?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("a sheet submitted through process A reaches an SSE viewer of process B", async () => {
      viewer = await openSse(`${b!.url}/api/v1/contests/${contest.contestId}/live/events`);
      const first = liveOf(await viewer.next((f) => f.event === "state"));
      await submitCurrent(a!.url, contest.contestId, contest.judges[0].token);
      const next = liveOf(await viewer.next(newerThan(first.version)));
      expect(next).to.have.nested.property("panel.submitted", 1);
    });

    it("B's listener survives the termination of its LISTEN connection and still delivers afterwards", async () => {
      const [killed] = await listening(b!);
      expect(killed, "B holds a LISTEN connection while it has a viewer").to.be.a("number");
      const before = liveOf(viewer!.frames.filter((f) => f.event === "state").at(-1)!).version;
      await seeder.db.raw("SELECT pg_terminate_backend(?)", [killed]);
      // Listening again, on a new connection: a notice sent now must get through.
      await until(async () => (await listening(b!)).some((pid) => pid !== killed));
      await submitCurrent(a!.url, contest.contestId, contest.judges[1].token);
      const next = liveOf(await viewer!.next(newerThan(before)));
      expect(next).to.have.nested.property("panel.submitted", 2);
    });

    it("B closes its LISTEN connection once its last viewer has gone", async () => {
      expect(await listening(b!)).to.have.length(1);
      viewer!.close();
      await until(async () => (await listening(b!)).length === 0);
    });
  });
}
