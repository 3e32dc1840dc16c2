// Scale-out through nginx (issue 14, item 6): three built app processes on one PostgreSQL schema behind
// nginx with deploy/'s site configuration, 200 judges at once for 60 s through it (queue, entry,
// draft, submit, as the load bench), errors and p50/p99 per step, against a same-run baseline of a
// bare Express route in three processes behind the same site configuration at as many connections.
// Then the same load again with one process killed (SIGKILL) midway and started again: the requests
// it was holding fail, nginx sends the rest to the others, and every acknowledged save must be found.
// PostgreSQL only (DATABASE_URL). Run: npx tsx bench/nginx.ts [seconds] [judges]

import autocannon from "autocannon";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { NGINX, startBalancer, type Balancer } from "./balancer.js";
import { ready, spawnNode, spawnServer, stop } from "./child-process.js";
import { freePort } from "./free-port.js";
import { runJudgeClient, type ClientReport } from "./judge-client.js";
import { startJudgingWorld, type JudgingWorld } from "./judging-seed.js";
import { BARE_APP } from "./pages.js";

const STEPS = ["queue", "entry", "draft", "submit"];
const PROCESSES = 3;

/**
 * Acknowledged writes found: an assignment's stored sheet must be its last acknowledged save or a later
 * one of the same judge (a save cut off with its process may still have committed). `n` is in the comment.
 */
async function found(world: JudgingWorld, report: ClientReport): Promise<{ acknowledged: number; found: number }> {
  const rows: { id: string; comment: string | null }[] = await world.db("assignments").select("id", "comment");
  const stored = new Map(rows.map((r) => [r.id, Number(/^save (\d+)$/.exec(r.comment ?? "")?.[1] ?? -1)]));
  const acknowledged = Object.entries(report.lastAcknowledged);
  return {
    acknowledged: acknowledged.length,
    found: acknowledged.filter(([id, n]) => (stored.get(id) ?? -1) >= n).length,
  };
}

function stepLines(report: ClientReport): string[] {
  return STEPS.map((name) => {
    const s = report.steps[name] ?? { count: 0, errors: 0, p50: 0, p99: 0 };
    return `  ${name}: ${s.count.toLocaleString("en")}, ${s.errors} errors, p50 ${s.p50.toFixed(0)} ms p99 ${s.p99.toFixed(0)} ms`;
  });
}

const totals = (report: ClientReport) =>
  Object.values(report.steps).reduce((t, s) => ({ count: t.count + s.count, errors: t.errors + s.errors }), {
    count: 0,
    errors: 0,
  });

export async function runNginxBench(seconds = 60, judges = 200): Promise<string[]> {
  if (!process.env.DATABASE_URL) return ["skipped: several processes need PostgreSQL (DATABASE_URL)"];
  if (!existsSync(NGINX)) return [`skipped: no nginx at ${NGINX}`];
  const world = await startJudgingWorld({ judges, perJudge: 20 });
  const dir = mkdtempSync(path.join(os.tmpdir(), "sw-bench-nginx-"));
  const children: ChildProcess[] = [];
  const balancers: Balancer[] = [];
  try {
    const bench = { dir, pgUrl: process.env.DATABASE_URL, pgSchema: world.pgSchema };
    const logLevel = process.env.BENCH_LOG_LEVEL ?? "warn";
    const ports = await Promise.all(Array.from({ length: PROCESSES }, () => freePort()));
    ports.forEach((port, i) => (children[i] = spawnServer(port, bench, logLevel)));
    await Promise.all(ports.map((port) => ready(`http://127.0.0.1:${port}`)));
    const app = await startBalancer(ports);
    balancers.push(app);

    // The baseline: a bare route in as many processes behind the same site configuration.
    const barePorts = await Promise.all(Array.from({ length: PROCESSES }, () => freePort()));
    for (const port of barePorts)
      children.push(spawnNode(["--input-type=module", "-e", BARE_APP], { PORT: String(port) }));
    const bare = await startBalancer(barePorts, "/");
    balancers.push(bare);
    const baseline = await autocannon({ url: `${bare.url}/`, connections: judges, duration: seconds });
    const bareErrors = baseline.errors + baseline.non2xx;

    const plan = { mode: "load" as const, url: app.url, seconds, rubric: world.rubric, judges: world.judges };
    const steady = await runJudgeClient(plan);
    const steadyFound = await found(world, steady);

    // Again, with the second process killed halfway through and started again on its port.
    const running = runJudgeClient(plan);
    await new Promise((r) => setTimeout(r, (seconds * 1000) / 2));
    const killed = children[1];
    const exited = new Promise((r) => killed.once("exit", r));
    killed.kill("SIGKILL");
    await exited;
    children[1] = spawnServer(ports[1], bench, logLevel);
    await ready(`http://127.0.0.1:${ports[1]}`);
    const disrupted = await running;
    const disruptedFound = await found(world, disrupted);

    const figure = (r: ClientReport) => {
      const t = totals(r);
      return `${t.count.toLocaleString("en")} requests, ${Math.round(t.count / r.seconds).toLocaleString("en")} req/s, ${t.errors} errors`;
    };
    return [
      `${judges} judges at once for ${seconds} s through nginx to ${PROCESSES} processes on PostgreSQL: ${figure(steady)} (goal 0); acknowledged saves ${steadyFound.acknowledged}, found ${steadyFound.found} | bare Express route, ${PROCESSES} processes behind the same nginx, ${judges} connections: ${Math.round(baseline.requests.average).toLocaleString("en")} req/s, p50 ${baseline.latency.p50} ms p99 ${baseline.latency.p99} ms, ${bareErrors} errors`,
      ...stepLines(steady),
      ...steady.errorSamples.map((e) => `  error: ${e}`),
      `the same with one process killed (SIGKILL) at ${seconds / 2} s and started again: ${figure(disrupted)} (any: requests cut off that nginx could not resend); acknowledged saves ${disruptedFound.acknowledged}, found ${disruptedFound.found} (goal: all)`,
      ...stepLines(disrupted),
      ...disrupted.errorSamples.slice(0, 3).map((e) => `  error: ${e}`),
    ];
  } finally {
    for (const b of balancers) await b.stop();
    await Promise.all(children.map((child) => stop(child)));
    rmSync(dir, { recursive: true, force: true });
    await world.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await runNginxBench(Number(process.argv[2] ?? 60), Number(process.argv[3] ?? 200)))
    console.log(line);
}
