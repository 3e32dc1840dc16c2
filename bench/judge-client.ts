// The judges' side of the saves and load benches, run as its own process (`runJudgeClient`) so
// that the load it makes does not share the server's event loop. One loop per judge:
// - "saves": PUT a draft on each of his assignments in turn, remembering the last acknowledged one;
// - "load": the queue, an entry of it, a draft, the submit (DESIGN §4), timing each step.
// Prints one JSON line: ClientReport.

import { execFile } from "node:child_process";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Rubric } from "../src/contests/rubric.js";

export interface ClientPlan {
  mode: "saves" | "load";
  url: string;
  seconds: number;
  rubric: Rubric;
  judges: { token: string; assignments: { id: string; entryId: string }[] }[];
}

export interface StepReport {
  count: number;
  errors: number;
  p50: number;
  p99: number;
}

export interface ClientReport {
  seconds: number;
  steps: Record<string, StepReport>;
  /** Assignment id → the `n` of its last 2xx-acknowledged save. */
  lastAcknowledged: Record<string, number>;
  /** A few failures, to name the error. */
  errorSamples: string[];
}

/** A valid sheet whose scores and comment vary with `n`, so the stored one can be matched to its save. */
export function sheetFor(
  rubric: Rubric,
  n: number,
  submit: boolean,
): { scores: Record<string, number>; comment: string; submit: boolean } {
  const scores = Object.fromEntries(
    rubric.criteria.map((c, i) => [c.key, ((n + i) % (Math.floor(c.max / c.step) + 1)) * c.step]),
  );
  return { scores, comment: `save ${n}`, submit };
}

/** Runs the plan in a child process and returns its report. */
export function runJudgeClient(plan: ClientPlan): Promise<ClientReport> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", fileURLToPath(import.meta.url)],
      { maxBuffer: 256 * 1024 * 1024 },
      (err, stdout) => {
        if (err) reject(new Error(`the judge client failed: ${err.message}`));
        else resolve(JSON.parse(stdout) as ClientReport);
      },
    );
    child.stdin!.end(JSON.stringify(plan));
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function run(plan: ClientPlan): Promise<ClientReport> {
  // node:http with kept-alive sockets, one per judge: fetch costs several times its CPU per request,
  // and the client shares the machine's two cores with the server it measures.
  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.judges.length });
  const send = (method: string, path: string, token: string, body?: unknown) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(
        plan.url + path,
        {
          method,
          agent,
          headers: {
            authorization: `Bearer ${token}`,
            ...(payload === undefined
              ? {}
              : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  const times: Record<string, number[]> = {};
  const errors: Record<string, number> = {};
  const errorSamples: string[] = [];
  const lastAcknowledged: Record<string, number> = {};
  const deadline = performance.now() + plan.seconds * 1000;
  const started = performance.now();

  /** One timed request; the parsed body when it answered 2xx, else null (counted as an error). */
  async function step(name: string, token: string, method: string, path: string, body?: unknown): Promise<unknown> {
    const t0 = performance.now();
    let failure: string | null = null;
    let json: unknown = null;
    try {
      const res = await send(method, path, token, body);
      if (res.status >= 300) failure = `${method} ${path}: ${res.status} ${res.text.slice(0, 200)}`;
      else json = JSON.parse(res.text);
    } catch (err) {
      failure = `${method} ${path}: ${String(err)}`;
    }
    (times[name] ??= []).push(performance.now() - t0);
    if (failure !== null) {
      errors[name] = (errors[name] ?? 0) + 1;
      if (errorSamples.length < 10) errorSamples.push(failure);
      return null;
    }
    return json;
  }

  async function savesLoop(w: number): Promise<void> {
    const judge = plan.judges[w];
    for (let i = 0; performance.now() < deadline; i += 1) {
      const a = judge.assignments[i % judge.assignments.length];
      const n = w * 1_000_000 + i;
      if (await step("save", judge.token, "PUT", `/api/v1/assignments/${a.id}/score`, sheetFor(plan.rubric, n, false)))
        lastAcknowledged[a.id] = n;
    }
  }

  async function loadLoop(w: number): Promise<void> {
    const judge = plan.judges[w];
    for (let i = 0; performance.now() < deadline; i += 1) {
      const queue = (await step("queue", judge.token, "GET", "/api/v1/me/assignments")) as {
        assignments: { id: string; entryId: string }[];
      } | null;
      // His queue is his assignments: take the next one in turn (the seeded list if the queue failed).
      const list = queue?.assignments ?? judge.assignments;
      const a = list[i % list.length];
      await step("entry", judge.token, "GET", `/api/v1/entries/${a.entryId}`);
      const n = w * 1_000_000 + i;
      // A draft and its submit carry the same sheet: either acknowledged makes `n` a write that must be found.
      if (await step("draft", judge.token, "PUT", `/api/v1/assignments/${a.id}/score`, sheetFor(plan.rubric, n, false)))
        lastAcknowledged[a.id] = n;
      if (await step("submit", judge.token, "PUT", `/api/v1/assignments/${a.id}/score`, sheetFor(plan.rubric, n, true)))
        lastAcknowledged[a.id] = n;
    }
  }

  const loop = plan.mode === "saves" ? savesLoop : loadLoop;
  await Promise.all(plan.judges.map((_, w) => loop(w)));
  const steps: Record<string, StepReport> = {};
  for (const [name, list] of Object.entries(times)) {
    const sorted = list.sort((a, b) => a - b);
    steps[name] = {
      count: list.length,
      errors: errors[name] ?? 0,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
    };
  }
  agent.destroy();
  return { seconds: (performance.now() - started) / 1000, steps, lastAcknowledged, errorSamples };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let input = "";
  for await (const chunk of process.stdin) input += String(chunk);
  process.stdout.write(JSON.stringify(await run(JSON.parse(input) as ClientPlan)));
}
