// DESIGN §7 "a crash loses no acknowledged write" and "an upload that breaks off leaves nothing behind",
// tried for real: the server as a child process under 200 concurrent score savers and 5 uploads is
// killed with SIGKILL mid-way, started again, and everything it acknowledged is looked for.
// SQLite by default; PostgreSQL with DATABASE_URL set (npm run test:faults on either).
import { expect } from "chai";
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import request from "supertest";
import { openBenchDb, type BenchDb } from "../../bench/bench-db.js";
import { sheetFor } from "../../bench/judge-client.js";
import { acceptedJudgeTokens, seedContest } from "../../bench/seed-rows.js";
import { defaultRubric } from "../../src/contests/rubric.js";
import { parseJson } from "../../src/db/dialect.js";
import { ADMIN, contestBody } from "../helpers/app.js";
import { filesUnder, videoSubmission } from "../helpers/entries.js";
import { testMedia, type TestMedia } from "../helpers/media.js";
import { killHard, startServerProcess, type ServerProcess } from "../helpers/process.js";

const JUDGES = 20;
const PER_JUDGE = 10; // 200 assignments: one saver each
const UPLOADS = 5;

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe("a crash (SIGKILL) under 200 concurrent score saves and 5 uploads", function () {
  this.timeout(300_000);
  const rubric = defaultRubric("video");
  let bench: BenchDb;
  let server: ServerProcess;
  let media: TestMedia;
  let contestId: string;
  let contestant: string;
  const assignments: { id: string; token: string }[] = [];
  /** Assignment id → the `n` of its last acknowledged save (sheetFor(rubric, n)); -1: none yet. */
  const lastAcknowledged = new Map<string, number>();
  /** Acknowledged uploads: entry id → the bytes sent, by role. */
  const acknowledgedUploads = new Map<string, Record<string, Buffer>>();
  const refusals: string[] = [];
  let savesAcknowledged = 0;

  const env = {
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    // On PostgreSQL the sweep spares young files other processes may be writing; here this one is the only writer.
    UPLOAD_SWEEP_MIN_AGE_SECONDS: "0",
  };
  const start = () => startServerProcess({ dir: bench.dir, pgUrl: bench.pgUrl, pgSchema: bench.pgSchema, env });

  before(async () => {
    media = await testMedia();
    bench = await openBenchDb("crash");
    // The first start makes the organizer (the database has no users yet); the judging world is seeded after.
    server = await start();
    const now = new Date().toISOString();
    const judgeIds = Array.from({ length: JUDGES }, (_, j) => `judge-${j}`);
    const entries = await seedContest(bench.db, now, { judgeIds, rubric, entries: PER_JUDGE });
    const rows = judgeIds.flatMap((judge_id, j) =>
      entries.map((e, i) => ({
        id: `a-${j}-${i}`,
        round_id: "round-1",
        entry_id: e.id,
        judge_id,
        status: "assigned",
        created_at: now,
        updated_at: now,
      })),
    );
    await bench.db.batchInsert("assignments", rows, 200);
    const tokens = await acceptedJudgeTokens(bench.ctx, judgeIds, now);
    for (const row of rows) assignments.push({ id: row.id, token: tokens[judgeIds.indexOf(row.judge_id)] });

    const admin = (await request(server.url).post("/api/v1/auth/token").send(ADMIN)).body.token as string;
    const contest = await request(server.url)
      .post("/api/v1/contests")
      .set("Authorization", `Bearer ${admin}`)
      .send(contestBody());
    contestId = contest.body.contest.id as string;
    await request(server.url)
      .post(`/api/v1/contests/${contestId}/stage`)
      .set("Authorization", `Bearer ${admin}`)
      .send({ to: "open" })
      .expect(200);
    const user = { email: "crash-contestant@example.org", password: "Secret-pass-42" };
    const made = await request(server.url)
      .post("/api/v1/users")
      .set("Authorization", `Bearer ${admin}`)
      .send({ ...user, name: "参赛者", role: "contestant", city: "保定", unit: "保定市科技馆" })
      .expect(201);
    await bench.db("users").where({ id: made.body.user.id }).update({ must_change_password: false });
    contestant = (await request(server.url).post("/api/v1/auth/token").send(user).expect(200)).body.token as string;
  });

  after(async () => {
    if (server) await killHard(server);
    await bench?.close();
  });

  it("is killed while saves and uploads are in flight, after at least one of each was acknowledged", async () => {
    let killed = false;
    let killNow!: () => void;
    const killCondition = new Promise<void>((resolve) => (killNow = resolve));
    const maybeKill = () => {
      // One save per saver on average, and an upload: the crash then falls among work of both kinds.
      if (savesAcknowledged >= assignments.length && acknowledgedUploads.size > 0) killNow();
    };

    const saver = async ({ id, token }: { id: string; token: string }) => {
      lastAcknowledged.set(id, -1);
      for (let n = 0; !killed; n += 1) {
        let res: Response;
        try {
          res = await fetch(`${server.url}/api/v1/assignments/${id}/score`, {
            method: "PUT",
            headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
            body: JSON.stringify(sheetFor(rubric, n, false)),
          });
        } catch {
          return; // the connection died with the process: not acknowledged
        }
        if (res.status !== 200) {
          refusals.push(`save ${id} #${n}: ${res.status} ${await res.text()}`);
          return;
        }
        lastAcknowledged.set(id, n);
        savesAcknowledged += 1;
        maybeKill();
      }
    };

    const uploader = async (i: number) => {
      const sub = videoSubmission(media, { fields: { authors: JSON.stringify([{ name: `作者 ${i}` }]) } });
      let req = request(server.url)
        .post(`/api/v1/contests/${contestId}/entries`)
        .set("Authorization", `Bearer ${contestant}`);
      for (const [name, value] of Object.entries(sub.fields)) req = req.field(name, value);
      for (const [role, file] of Object.entries(sub.files)) req = req.attach(role, file);
      let res: request.Response;
      try {
        res = await req;
      } catch {
        return; // broken off by the kill
      }
      if (res.status !== 201) {
        refusals.push(`upload ${i}: ${res.status} ${JSON.stringify(res.body)}`);
        return;
      }
      const sent = Object.fromEntries(Object.entries(sub.files).map(([role, file]) => [role, readFileSync(file)]));
      acknowledgedUploads.set(res.body.entry.id as string, sent);
      maybeKill();
    };

    const work = Promise.all([...assignments.map(saver), ...Array.from({ length: UPLOADS }, (_, i) => uploader(i))]);
    // Everything ending before the condition (every saver refused, say) must not leave the test waiting.
    await Promise.race([killCondition, work.then(() => undefined)]);
    expect(refusals, "answers other than success while the server was up").to.deep.equal([]);
    expect(acknowledgedUploads.size, "an upload acknowledged before the kill").to.be.greaterThan(0);
    await killHard(server);
    killed = true;
    await work;
    expect(refusals, "answers other than success while the server was up").to.deep.equal([]);
    console.log(
      `      crash: ${savesAcknowledged} saves and ${acknowledgedUploads.size} of ${UPLOADS} uploads acknowledged before SIGKILL`,
    );
  });

  it("starts again, and its startup sweep removes the uploads in progress and stored files no row points at, logged", async () => {
    // What a kill can leave, made certain: a half-received upload and a file stored for an entry never committed.
    const uploads = path.join(bench.dir, "uploads");
    mkdirSync(path.join(uploads, ".incoming"), { recursive: true });
    writeFileSync(path.join(uploads, ".incoming", randomUUID()), "half an upload");
    const orphan = randomUUID();
    mkdirSync(path.join(uploads, orphan.slice(0, 2)), { recursive: true });
    writeFileSync(path.join(uploads, orphan.slice(0, 2), orphan), "stored, never committed");

    server = await start();
    // Swept before it answers as ready; its log line may still be on its way through the pipe.
    const swept = await server.logLine((l) => l.msg === "storage swept");
    expect(swept.removedTemp).to.be.at.least(1);
    expect(swept.removedOrphans).to.be.at.least(1);
    console.log(
      `      crash: the sweep removed ${String(swept.removedTemp)} uploads in progress and ${String(swept.removedOrphans)} orphaned files (one of each planted)`,
    );
  });

  it("has every acknowledged score save, byte for byte", async () => {
    // Each save leaves its sheet on the assignment and a history row with its scores, in the order made.
    const history = new Map<string, string[]>();
    const rows: { assignment_id: string; after: string }[] = await bench
      .db("score_history")
      .orderBy("id")
      .select("assignment_id", "after");
    for (const h of rows) {
      const { scores } = parseJson<{ scores?: unknown }>(h.after, {});
      history.set(h.assignment_id, [...(history.get(h.assignment_id) ?? []), JSON.stringify(scores)]);
    }
    const current = new Map(
      (await bench.db("assignments").select("id", "scores", "comment")).map((r: Record<string, unknown>) => [
        String(r.id),
        JSON.stringify({ scores: parseJson(r.scores, {}), comment: r.comment }),
      ]),
    );
    const sheet = (k: number) => {
      const { scores, comment } = sheetFor(rubric, k, false);
      return { scores: JSON.stringify(scores), whole: JSON.stringify({ scores, comment }) };
    };
    let acknowledged = 0;
    let found = 0;
    for (const [id, n] of lastAcknowledged) {
      if (n < 0) continue;
      acknowledged += n + 1;
      // The last acknowledged sheet, or the next one: sent before the kill, committed, its answer lost.
      expect([sheet(n).whole, sheet(n + 1).whole], `assignment ${id}'s stored sheet`).to.include(current.get(id));
      const saved = history.get(id) ?? [];
      for (let k = 0; k <= n; k += 1) if (saved[k] === sheet(k).scores) found += 1;
      expect(saved.length, `assignment ${id}'s history`).to.be.within(n + 1, n + 2);
    }
    console.log(`      crash: ${acknowledged} saves acknowledged, ${found} found in the score history`);
    expect(found).to.equal(acknowledged);
  });

  it("serves every acknowledged upload's files byte for byte", async () => {
    for (const [entryId, sent] of acknowledgedUploads) {
      for (const [role, bytes] of Object.entries(sent)) {
        const res = await request(server.url)
          .get(`/api/v1/entries/${entryId}/files/${role}`)
          .set("Authorization", `Bearer ${contestant}`)
          .buffer(true)
          .parse((r, done) => {
            const chunks: Buffer[] = [];
            r.on("data", (c: Buffer) => chunks.push(c));
            r.on("end", () => done(null, Buffer.concat(chunks)));
          });
        expect(res.status, `${entryId} ${role}`).to.equal(200);
        expect(sha256(res.body as Buffer), `${entryId} ${role}`).to.equal(sha256(bytes));
      }
    }
    console.log(`      crash: ${acknowledgedUploads.size} acknowledged uploads, all found`);
  });

  it("has no entry without its files and no stored file without its row", async () => {
    const entries: { id: string }[] = await bench.db("entries").where({ contest_id: contestId }).select("id");
    expect(entries.map((e) => e.id)).to.include.members([...acknowledgedUploads.keys()]);
    const files: {
      entry_id: string;
      role: string;
      storage_key: string;
      blind_storage_key: string | null;
      size: unknown;
      sha256: string;
    }[] = await bench
      .db("entry_files")
      .whereIn(
        "entry_id",
        entries.map((e) => e.id),
      )
      .select("*");
    const uploads = path.join(bench.dir, "uploads");
    for (const entry of entries) {
      const roles = files
        .filter((f) => f.entry_id === entry.id)
        .map((f) => f.role)
        .sort();
      expect(roles, `entry ${entry.id}'s files`).to.deep.equal(["cover", "form", "video"]);
    }
    for (const f of files) {
      const bytes = readFileSync(path.join(uploads, f.storage_key.slice(0, 2), f.storage_key));
      expect(bytes.length).to.equal(Number(f.size));
      expect(sha256(bytes)).to.equal(f.sha256);
    }
    // entry_files is the only table with storage keys this test writes to.
    const referenced = files.flatMap((f) => [f.storage_key, ...(f.blind_storage_key ? [f.blind_storage_key] : [])]);
    const onDisk = filesUnder(uploads);
    expect(onDisk).to.deep.equal(referenced.map((k) => path.join(k.slice(0, 2), k)).sort());
  });

  it("passes the database's integrity check", async () => {
    if (bench.pgUrl) {
      // PostgreSQL survives the app's death on its own; what the app could break is its data: no
      // constraint or index left invalid, and no row pointing at nothing.
      const invalid = await bench.db.raw(
        `SELECT conname AS name FROM pg_constraint WHERE connamespace = current_schema()::regnamespace AND NOT convalidated
         UNION ALL SELECT indexrelid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
         WHERE c.relnamespace = current_schema()::regnamespace AND NOT (i.indisvalid AND i.indisready)`,
      );
      expect(invalid.rows).to.deep.equal([]);
    } else {
      expect(await bench.db.raw("PRAGMA integrity_check")).to.deep.equal([{ integrity_check: "ok" }]);
      expect(await bench.db.raw("PRAGMA foreign_key_check")).to.deep.equal([]);
    }
    const orphans = await Promise.all([
      bench
        .db("entry_files")
        .leftJoin("entries", "entries.id", "entry_files.entry_id")
        .whereNull("entries.id")
        .count({ n: "*" }),
      bench
        .db("score_history")
        .leftJoin("assignments", "assignments.id", "score_history.assignment_id")
        .whereNull("assignments.id")
        .count({ n: "*" }),
      bench
        .db("assignments")
        .leftJoin("entries", "entries.id", "assignments.entry_id")
        .whereNull("entries.id")
        .count({ n: "*" }),
    ]);
    expect(orphans.map((r) => Number(r[0].n))).to.deep.equal([0, 0, 0]);
  });
});
