// Live final fan-out (issue 12): 500 viewers of the big screen on the SSE stream of the built server,
// 50 panel judges submitting their sheets of the current segment through PUT live/score, one every
// SPACING_MS; for every submit, the time from its response to each viewer's receipt of the state that
// holds it. Beside it, in the same run, a bare Express SSE endpoint in a process of the same kind fans
// out a constant message of the same size to as many clients after answering a trigger.
// With DATABASE_URL set, the server runs on PostgreSQL (NOTIFY/LISTEN) in a schema of its own, dropped afterwards.
// Run: npm run build && npx tsx bench/live.ts [viewers] [judges]

import http from "node:http";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type { AppContext } from "../src/context.js";
import { defaultRubric } from "../src/contests/rubric.js";
import { startLive } from "../src/live/live.service.js";
import { openBenchDb } from "./bench-db.js";
import { ready, spawnNode, spawnServer, stop } from "./child-process.js";
import { freePort } from "./free-port.js";
import { acceptedJudgeTokens, BENCH_ORGANIZER, seedContest } from "./seed-rows.js";

const FINALISTS = 6;
const SPACING_MS = 50;

/** Judge j's total is 50 + j (one criterion of 0..100): the state that holds his sheet shows that total. */
const SEGMENT = {
  key: "talk",
  label: "讲解",
  weight: 1,
  seconds: 240,
  rubric: { criteria: [{ key: "content", label: "内容", max: 100, step: 1 }] },
};
const totalOf = (judge: number) => 50 + judge;

/** An explainer contest in judging, its round-1 panel of `judges` who accepted the declaration, its live final started. */
async function seed(ctx: AppContext, judges: number): Promise<string[]> {
  const { db } = ctx;
  const now = new Date().toISOString();
  const judgeIds = Array.from({ length: judges }, (_, j) => `judge-${String(j).padStart(3, "0")}`);
  await seedContest(db, now, {
    judgeIds,
    rubric: defaultRubric("explainer"),
    contest: { kind: "explainer" },
    entries: FINALISTS,
  });
  await db.batchInsert(
    "round_judges",
    judgeIds.map((judge_id) => ({ round_id: "round-1", judge_id })),
    200,
  );
  const tokens = await acceptedJudgeTokens(ctx, judgeIds, now);
  await startLive(ctx, BENCH_ORGANIZER, "contest", { segments: [SEGMENT], seed: 1 });
  return tokens;
}

/** SSE viewers that note when each version (the frame's id) arrived, and the first frame of each version. */
async function connectViewers(url: string, count: number) {
  const arrivals: Map<number, number>[] = [];
  const frames = new Map<number, string>();
  const requests: http.ClientRequest[] = [];
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const seen = new Map<number, number>();
          arrivals.push(seen);
          const req = http.get(url, { agent: false }, (res) => {
            if (res.statusCode !== 200) return reject(new Error(`viewer: ${res.statusCode}`));
            let buffer = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => {
              const at = performance.now();
              buffer += chunk;
              for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
                const frame = buffer.slice(0, end);
                buffer = buffer.slice(end + 2);
                const id = /^id: (\d+)$/m.exec(frame);
                if (!id) continue;
                const version = Number(id[1]);
                seen.set(version, at);
                if (!frames.has(version)) frames.set(version, frame);
                resolve();
              }
            });
          });
          req.on("error", (err) => (req.destroyed ? undefined : reject(err)));
          requests.push(req);
        }),
    ),
  );
  return { arrivals, frames, close: () => requests.forEach((r) => r.destroy()) };
}

/**
 * Milliseconds from each trigger's response to each viewer's first frame of a version at least the one
 * that carries it. A viewer may hear of a change before the submitter has its answer: counted as 0.
 */
function latencies(triggers: { at: number; version: number }[], arrivals: Map<number, number>[]): number[] {
  const out: number[] = [];
  for (const viewer of arrivals) {
    const received = [...viewer.entries()].sort(([a], [b]) => a - b);
    for (const { at, version } of triggers) {
      const hit = received.find(([v]) => v >= version);
      if (hit) out.push(Math.max(0, hit[1] - at));
    }
  }
  return out.sort((a, b) => a - b);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/** Starts `count` triggers SPACING_MS apart; answers when each one's response came, in the bench's clock. */
async function paced<T>(count: number, trigger: (i: number) => Promise<T>): Promise<{ at: number; result: T }[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * SPACING_MS));
      const result = await trigger(i);
      return { at: performance.now(), result };
    }),
  );
}

/** Waits until every viewer has a frame of `version` or later (or a few seconds pass: missing ones are counted as such). */
async function settled(arrivals: Map<number, number>[], version: number): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline && arrivals.some((a) => Math.max(0, ...a.keys()) < version))
    await new Promise((r) => setTimeout(r, 50));
}

// A constant message to every client, written after the trigger is answered (as the app answers a
// submit, then fans out).
const BARE_SSE = `
import express from "express";
const app = express();
const clients = new Set();
const payload = JSON.stringify({ live: "x".repeat(Number(process.env.PAYLOAD_BYTES)) });
let version = 1;
const frame = () => "event: state\\nid: " + version + "\\ndata: " + payload + "\\n\\n";
app.get("/events", (req, res) => {
  res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
  res.write(frame());
  clients.add(res);
  req.on("close", () => clients.delete(res));
});
app.post("/send", (_req, res) => {
  version += 1;
  res.json({ version });
  setImmediate(() => { const f = frame(); for (const c of clients) c.write(f); });
});
app.get("/healthz", (_req, res) => res.json({ ok: true }));
app.listen(Number(process.env.PORT), "127.0.0.1");
`;

function summary(sorted: number[]): string {
  return `p50 ${percentile(sorted, 0.5).toFixed(1)} ms p99 ${percentile(sorted, 0.99).toFixed(1)} ms max ${sorted[sorted.length - 1].toFixed(1)} ms`;
}

export async function runLiveBench(viewers = 500, judges = 50): Promise<string[]> {
  const bench = await openBenchDb("live");
  const children = [];
  try {
    const tokens = await seed(bench.ctx, judges);
    const [port, barePort] = [await freePort(), await freePort()];
    const server = spawnServer(port, bench, process.env.BENCH_LOG_LEVEL ?? "warn");
    children.push(server);
    const base = `http://127.0.0.1:${port}`;
    await ready(base);

    // The app: every viewer on the stream, then the panel submits one by one.
    const live = await connectViewers(`${base}/api/v1/contests/contest/live/events`, viewers);
    const state = (await (await fetch(`${base}/api/v1/contests/contest/live`)).json()) as {
      live: { version: number; current: { entryId: string; segment: string } };
    };
    const submits = await paced(judges, async (j) => {
      const res = await fetch(`${base}/api/v1/contests/contest/live/score`, {
        method: "PUT",
        headers: { authorization: `Bearer ${tokens[j]}`, "content-type": "application/json" },
        body: JSON.stringify({
          entryId: state.live.current.entryId,
          segment: state.live.current.segment,
          scores: { content: totalOf(j) },
          submit: true,
        }),
      });
      if (res.status !== 200) throw new Error(`judge ${j}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    });
    await settled(live.arrivals, state.live.version + judges);
    // The version that first holds judge j's sheet: the frame whose sheets show his total (each frame parsed once).
    const holding = new Map<number, number>();
    for (const [version, frame] of [...live.frames.entries()].sort(([a], [b]) => a - b)) {
      const data = JSON.parse(frame.slice(frame.indexOf("data: ") + 6)) as { live: { sheets: { total: number }[] } };
      for (const sheet of data.live.sheets) if (!holding.has(sheet.total)) holding.set(sheet.total, version);
    }
    const appLatencies = latencies(
      submits.map((s, j) => ({ at: s.at, version: holding.get(totalOf(j)) ?? Infinity })),
      live.arrivals,
    );
    const frameBytes = Buffer.byteLength([...live.frames.values()].at(-1)!);
    live.close();
    // What one state computation costs, as GET live makes it (the stream makes one per burst of changes).
    const reads: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const started = performance.now();
      await (await fetch(`${base}/api/v1/contests/contest/live`)).arrayBuffer();
      reads.push(performance.now() - started);
    }
    reads.sort((a, b) => a - b);

    // The baseline: the same number of clients, triggers and message size, nothing computed.
    const bare = spawnNode(["--input-type=module", "-e", BARE_SSE], {
      PORT: String(barePort),
      PAYLOAD_BYTES: String(frameBytes),
    });
    children.push(bare);
    const bareBase = `http://127.0.0.1:${barePort}`;
    await ready(bareBase);
    const plain = await connectViewers(`${bareBase}/events`, viewers);
    const sends = await paced(judges, async () => {
      const res = await fetch(`${bareBase}/send`, { method: "POST" });
      return ((await res.json()) as { version: number }).version;
    });
    await settled(plain.arrivals, judges + 1);
    const bareLatencies = latencies(
      sends.map((s) => ({ at: s.at, version: s.result })),
      plain.arrivals,
    );
    plain.close();

    const where = bench.pgUrl ? "PostgreSQL (NOTIFY/LISTEN)" : "SQLite";
    const expected = viewers * judges;
    const ratio = percentile(appLatencies, 0.5) / Math.max(0.1, percentile(bareLatencies, 0.5));
    return [
      `live final fan-out on ${where}: ${judges} judges submitting ${SPACING_MS} ms apart, ${viewers} SSE viewers, state ${frameBytes} bytes, ${live.frames.size - 1} new states sent for ${judges} submits: submit response → viewer receipt ${summary(appLatencies)} (${appLatencies.length} of ${expected} receipts) | bare Express SSE, constant message of the same size: ${summary(bareLatencies)} (${bareLatencies.length} of ${expected}) | p50 ${ratio.toFixed(1)}× the baseline`,
      `one state read, GET /api/v1/contests/:id/live with ${judges} sheets, alone: p50 ${percentile(reads, 0.5).toFixed(1)} ms`,
    ];
  } finally {
    for (const child of children) await stop(child);
    await bench.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await runLiveBench(Number(process.argv[2] ?? 500), Number(process.argv[3] ?? 50)))
    console.log(line);
}
