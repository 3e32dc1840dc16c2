// Pages benchmark (issue 11, goal 1 and goal 5's memory figures): the built server, as `npm start` runs
// it (NODE_ENV unset, LOG_LEVEL info), seeded with a judge holding 50 assignments, a published contest
// of 200 ranked entries and 20 contests in the list; autocannon at 10 connections against each page and
// against a bare Express route in a process of the same kind, measured in the same run.
// With DATABASE_URL set, the server runs on PostgreSQL in a schema of its own, dropped afterwards.
// Run: npx tsx bench/pages.ts [seconds] [only pages whose name holds this, e.g. "results", to profile one]

import autocannon from "autocannon";
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { SessionUser } from "../src/accounts/accounts.service.js";
import { hashPassword } from "../src/accounts/passwords.js";
import { defaultRubric } from "../src/contests/rubric.js";
import type { Db } from "../src/db/knex.js";
import { mulberry32 } from "../src/judging/assign/prng.js";
import { moveContestStage } from "../src/stages/stages.service.js";
import { openBenchDb } from "./bench-db.js";
import { ready, spawnNode, spawnServer, stop } from "./child-process.js";
import { freePort } from "./free-port.js";
import { BENCH_ORGANIZER, contestRow, entryRow, roundRow, userRow } from "./seed-rows.js";

const JUDGE = { email: "judge@bench.local", password: "Bench-judge-2026" };
const PANEL = 5;
const PUBLISHED_ENTRIES = 200;
const QUEUE = 50;
const LISTED = 20;

/** Rows shaped as the migrations make them, inserted in batches. */
export async function seed(db: Db): Promise<{ organizer: SessionUser; publishedId: string }> {
  const now = new Date().toISOString();
  const judgeHash = await hashPassword(JUDGE.password);
  const user = (id: string, role: string, passwordHash = "x") =>
    userRow(id, role, now, {
      email: id === "judge" ? JUDGE.email : `${id}@bench.local`,
      password_hash: passwordHash,
      name: `评委 ${id}`,
      must_change_password: false,
    });
  await db("users").insert([
    user("organizer", "organizer"),
    user("owner", "contestant"),
    user("judge", "judge", judgeHash),
    ...Array.from({ length: PANEL }, (_, j) => user(`panel-${j}`, "judge")),
  ]);
  const rubric = defaultRubric("video");
  const contest = (id: string, title: string, stage: string) =>
    contestRow(id, rubric, now, { title, description: "基准赛事的说明。", stage, judges_per_entry: PANEL });
  await db("contests").insert([
    contest("published", "2026 科普微视频大赛（公示）", "judging"),
    contest("queue", "2026 科学实验展演", "judging"),
    ...Array.from({ length: LISTED - 2 }, (_, i) => contest(`listed-${i}`, `2026 科技活动周赛事 ${i + 1}`, "open")),
  ]);
  const round = (contestId: string) => roundRow(`${contestId}-r1`, contestId, now);
  await db("rounds").insert([round("published"), round("queue")]);
  const entry = (contestId: string, i: number) =>
    entryRow(`${contestId}-e${i}`, contestId, i, now, {
      code: `SP-2026-${String(i + 1).padStart(4, "0")}`,
      title: `作品 ${i + 1}：病毒是怎样传播的`,
      unit: `参赛单位 ${i + 1}`,
      authors: JSON.stringify([{ name: `作者 ${i + 1}` }]),
      first_author_key: `a-${contestId}-${i}`,
      unit_key: `u-${i}`,
    });
  const published = Array.from({ length: PUBLISHED_ENTRIES }, (_, i) => entry("published", i));
  const queued = Array.from({ length: QUEUE }, (_, i) => entry("queue", i));
  await db.batchInsert("entries", [...published, ...queued], 200);
  const random = mulberry32(7);
  const sheet = (e: { id: string; contest_id: string }, judgeId: string, status: string) => {
    const scores = Object.fromEntries(rubric.criteria.map((c) => [c.key, Math.round(random() * c.max)]));
    const scored = status !== "assigned";
    return {
      id: `${e.id}-${judgeId}`,
      round_id: `${e.contest_id}-r1`,
      entry_id: e.id,
      judge_id: judgeId,
      status,
      scores: scored ? JSON.stringify(scores) : null,
      deductions: scored ? "{}" : null,
      comment: null,
      total: scored ? Object.values(scores).reduce((a, b) => a + b, 0) : null,
      created_at: now,
      updated_at: now,
      submitted_at: status === "submitted" ? now : null,
    };
  };
  await db.batchInsert(
    "assignments",
    [
      ...published.flatMap((e) => Array.from({ length: PANEL }, (_, j) => sheet(e, `panel-${j}`, "submitted"))),
      ...queued.map((e, i) => sheet(e, "judge", i < 20 ? "submitted" : i < 30 ? "draft" : "assigned")),
    ],
    200,
  );
  await db("judge_declarations").insert({ contest_id: "queue", judge_id: "judge", accepted_at: now });
  return { organizer: BENCH_ORGANIZER, publishedId: "published" };
}

interface Figure {
  rps: number;
  /** The server's CPU time per answered request (user + system), which contention on the machine barely moves. */
  cpuMs: number;
  p50: number;
  p99: number;
  errors: number;
  setCookies: number;
}

/** User + system CPU time of a process so far, in ms (/proc/<pid>/stat counts clock ticks of 10 ms). */
function cpuMs(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function load(
  server: ChildProcess,
  url: string,
  seconds: number,
  headers: Record<string, string> = {},
): Promise<Figure> {
  let setCookies = 0;
  const cpuBefore = cpuMs(server);
  const result = await autocannon({
    url,
    connections: 10,
    duration: seconds,
    headers: { accept: "text/html", ...headers },
    requests: [
      {
        onResponse: (_status, _body, _context, responseHeaders) => {
          // Raw header names, in the case the server sent them.
          if (Object.keys(responseHeaders ?? {}).some((name) => name.toLowerCase() === "set-cookie")) setCookies += 1;
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    cpuMs: (cpuMs(server) - cpuBefore) / result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    setCookies,
  };
}

function statusKiB(child: ChildProcess, field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]);
}

/** The judge's page session, through the login form as a browser does. */
async function judgeCookie(base: string): Promise<string> {
  const form = await fetch(`${base}/login`, { headers: { accept: "text/html" } });
  const first = form.headers.get("set-cookie")!.split(";")[0];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
  const res = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { accept: "text/html", cookie: first, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: csrf, email: JUDGE.email, password: JUDGE.password }).toString(),
  });
  if (res.status !== 302) throw new Error(`login: ${res.status}`);
  return res.headers.get("set-cookie")!.split(";")[0];
}

async function judgeToken(base: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(JUDGE),
  });
  if (!res.ok) throw new Error(`token: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/** The baseline: a bare Express route in a process of the same kind. */
export const BARE_APP = `
import express from "express";
const app = express();
app.get("/", (_req, res) => { res.send("<!doctype html><html><body><h1>科技活动周</h1></body></html>"); });
app.listen(Number(process.env.PORT), "127.0.0.1");
`;

const int = (n: number) => Math.round(n).toLocaleString("en-US");

export async function runPagesBench(seconds = 5, only = ""): Promise<string[]> {
  const bench = await openBenchDb("pages");
  const { db, ctx } = bench;
  const children: ChildProcess[] = [];
  try {
    const { organizer, publishedId } = await seed(db);
    await moveContestStage(ctx, organizer, publishedId, "review");
    await moveContestStage(ctx, organizer, publishedId, "notice");

    const [barePort, port] = [await freePort(), await freePort()];
    const bare = spawnNode(["--input-type=module", "-e", BARE_APP], { PORT: String(barePort) });
    children.push(bare);
    const server = spawnServer(port, bench, process.env.LOG_LEVEL ?? "info");
    children.push(server);
    const bareBase = `http://127.0.0.1:${barePort}`;
    const base = `http://127.0.0.1:${port}`;
    await ready(base);
    for (let i = 0; i < 100 && !(await fetch(bareBase).catch(() => null))?.ok; i += 1)
      await new Promise((r) => setTimeout(r, 100));
    // Idle: started, migrated, nothing asked of it for a few seconds (what a quiet server holds).
    await new Promise((r) => setTimeout(r, 5000));
    const idleKiB = statusKiB(server, "VmRSS");

    const cookie = await judgeCookie(base);
    const token = await judgeToken(base);
    const sessionsBefore = Number((await db("sessions").count({ n: "*" }))[0].n);

    const baseline = await load(bare, bareBase, seconds);
    const pages: [string, string, Record<string, string>, number][] = [
      ["judge queue page GET /judge", `${base}/judge`, { cookie }, 0.3],
      ["public contest list GET /contests", `${base}/contests`, {}, 0.3],
      [`public results page GET /contests/:id/results`, `${base}/contests/${publishedId}/results`, {}, 0.3],
      [
        "judge queue JSON GET /api/v1/me/assignments",
        `${base}/api/v1/me/assignments`,
        { authorization: `Bearer ${token}` },
        0.5,
      ],
    ];
    const lines: string[] = [];
    let anonymousCookies = 0;
    for (const [what, url, headers, goal] of pages.filter(([name]) => name.includes(only))) {
      // A short warm-up so the first compile of a template is not counted in any page's figure.
      await load(server, url, 1, headers);
      const f = await load(server, url, seconds, headers);
      if (!headers.cookie && !headers.authorization) anonymousCookies += f.setCookies;
      const ratio = f.rps / baseline.rps;
      lines.push(
        `${what}: ${int(f.rps)} req/s p50 ${f.p50} ms p99 ${f.p99} ms${f.errors ? ` (${f.errors} errors)` : ""} | ` +
          `bare Express ${int(baseline.rps)} req/s | ${ratio.toFixed(2)}× (goal ≥ ${goal}×${goal === 0.3 ? ", p99 ≤ 50 ms" : ""})` +
          ` | server CPU ${f.cpuMs.toFixed(2)} ms/req, bare ${baseline.cpuMs.toFixed(2)}`,
      );
    }
    const sessionsAfter = Number((await db("sessions").count({ n: "*" }))[0].n);
    lines.push(
      `anonymous page load: ${sessionsAfter - sessionsBefore} session rows written, ${anonymousCookies} Set-Cookie headers | goal 0`,
      `server peak RSS during the page load: ${int(statusKiB(server, "VmHWM") / 1024)} MiB | goal ≤ 150 MiB`,
      `server idle RSS after start: ${int(idleKiB / 1024)} MiB | goal ≤ 100 MiB`,
      `(${bench.pgUrl ? "PostgreSQL" : "SQLite"}, ${seconds} s per page at 10 connections, bare Express p99 ${baseline.p99} ms)`,
    );
    return lines;
  } finally {
    for (const child of children) await stop(child);
    await bench.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await runPagesBench(Number(process.argv[2] ?? 5), process.argv[3])) console.log(line);
}
