// Under load (issue 11, goal 6): 200 judges at once against one app process, each in a loop —
// load his queue, open an entry of it, save a draft, submit (DESIGN §4) — for 60 s; per step the
// count, errors, p50 and p99. Goal: 0 errors. SQLite by default; PostgreSQL with DATABASE_URL set.
// A judge works through his 20 assignments in turn and starts again: a submitted sheet may be
// saved again while judging lasts, so he never runs out.
// Run: npx tsx bench/load.ts [seconds] [judges]

import { pathToFileURL } from "node:url";
import { runJudgeClient } from "./judge-client.js";
import { startJudgingWorld } from "./judging-seed.js";

const STEPS: [string, string][] = [
  ["queue", "GET /api/v1/me/assignments"],
  ["entry", "GET /api/v1/entries/:id"],
  ["draft", "PUT /api/v1/assignments/:id/score (draft)"],
  ["submit", "PUT /api/v1/assignments/:id/score (submit)"],
];

export async function runLoadBench(seconds = 60, judges = 200): Promise<string[]> {
  const world = await startJudgingWorld({ judges, perJudge: 20 });
  try {
    const where = world.dialect === "pg" ? "PostgreSQL" : "SQLite";
    const report = await runJudgeClient({
      mode: "load",
      url: world.url,
      seconds,
      rubric: world.rubric,
      judges: world.judges,
    });
    const steps = STEPS.map(([name]) => report.steps[name] ?? { count: 0, errors: 0, p50: 0, p99: 0 });
    const errors = steps.reduce((sum, s) => sum + s.errors, 0);
    const requests = steps.reduce((sum, s) => sum + s.count, 0);
    return [
      `${judges} judges at once for ${Math.round(report.seconds)} s against one process on ${where}: ${requests.toLocaleString("en")} requests, ${Math.round(requests / report.seconds).toLocaleString("en")} req/s, ${errors} errors (goal 0)`,
      ...STEPS.map(
        ([, what], i) =>
          `  ${what}: ${steps[i].count.toLocaleString("en")}, ${steps[i].errors} errors, p50 ${steps[i].p50.toFixed(0)} ms p99 ${steps[i].p99.toFixed(0)} ms`,
      ),
      ...report.errorSamples.map((e) => `  error: ${e}`),
    ];
  } finally {
    await world.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await runLoadBench(Number(process.argv[2] ?? 60), Number(process.argv[3] ?? 200)))
    console.log(line);
}
