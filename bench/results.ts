// Results benchmark (results issue): 100,000 entries × 5 submitted sheets stored in SQLite, then the
// organizer's compute (read from the database, aggregate, rank, award, store) timed. Goal ≤ 3 s.
// Run: npx tsx bench/results.ts [entries]

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import pino from "pino";
import { loadConfig } from "../src/config.js";
import type { AppContext } from "../src/context.js";
import { defaultRubric } from "../src/contests/rubric.js";
import { createDb } from "../src/db/knex.js";
import { migrateLatest } from "../src/db/migrate.js";
import { computeContestResults } from "../src/results/results.service.js";
import { LocalDiskStorage } from "../src/storage/local-disk.js";
import { mulberry32 } from "../src/judging/assign/prng.js";

const JUDGES = 5;

export async function runResultsBench(entryCount = 100_000): Promise<string[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sw-bench-results-"));
  const config = loadConfig(
    {
      DATA_DIR: path.join(dir, "data"),
      UPLOAD_DIR: path.join(dir, "uploads"),
      SESSION_SECRET: "bench-secret-0123456789",
    },
    dir,
  );
  const db = createDb({ databaseUrl: null, sqliteFile: path.join(dir, "data", "app.sqlite") });
  const ctx: AppContext = {
    config,
    db,
    storage: new LocalDiskStorage(config.uploadDir),
    clock: { now: () => new Date() },
    logger: pino({ level: "silent" }),
  };
  try {
    await migrateLatest(db);
    const now = new Date().toISOString();
    const user = (id: string, role: string) => ({
      id,
      email: `${id}@bench.local`,
      password_hash: "x",
      name: id,
      role,
      city: "石家庄",
      unit: `单位-${id}`,
      expertise: "[]",
      avoid_units: "[]",
      disabled: false,
      created_at: now,
      updated_at: now,
    });
    await db("users").insert([
      user("organizer", "organizer"),
      user("owner", "contestant"),
      ...Array.from({ length: JUDGES }, (_, j) => user(`judge-${j}`, "judge")),
    ]);
    const rubric = defaultRubric("video");
    await db("contests").insert({
      id: "contest",
      kind: "video",
      title: "基准",
      description: "",
      stage: "judging",
      opens_at: "2026-01-01T00:00:00.000Z",
      closes_at: "2026-02-01T00:00:00.000Z",
      notice_ends_at: null,
      judges_per_entry: JUDGES,
      rubric: JSON.stringify(rubric),
      rules: JSON.stringify({
        files: {},
        maxEntriesPerAuthor: null,
        maxEntriesPerUnit: null,
        requiresRecommendation: false,
        recommendationQuota: 5,
        sameCityConflict: false,
        publicVoteWeight: 0,
        noticeDays: 7,
        safetyGate: false,
        teamMax: null,
        timeRules: null,
      }),
      prizes: JSON.stringify({ mode: "ratio", first: 0.1, second: 0.2, third: 0.3 }),
      aggregation: "trimmed",
      created_by: "organizer",
      created_at: now,
      updated_at: now,
    });
    await db("rounds").insert({
      id: "round-1",
      contest_id: "contest",
      number: 1,
      name: "初评",
      rubric: null,
      aggregation: null,
      judges_per_entry: null,
      status: "open",
      created_at: now,
    });
    const random = mulberry32(42);
    const entries = Array.from({ length: entryCount }, (_, i) => ({
      id: `e${i}`,
      contest_id: "contest",
      seq: i + 1,
      code: `SP-2026-${String(i + 1).padStart(6, "0")}`,
      owner_id: "owner",
      title: `作品 ${i + 1}`,
      summary: "",
      category: "科普行动",
      city: "石家庄",
      unit: "",
      authors: "[]",
      first_author_key: `a${i}`,
      unit_key: "",
      status: "submitted",
      status_reason: null,
      recommended_at: null,
      recommended_by: null,
      talk_seconds: null,
      safety_failed: false,
      created_at: now,
      updated_at: now,
    }));
    await db.batchInsert("entries", entries, 500);
    const sheets = entries.flatMap((e) =>
      Array.from({ length: JUDGES }, (_, j) => {
        const scores = Object.fromEntries(rubric.criteria.map((c) => [c.key, Math.round(random() * c.max)]));
        const total = Object.values(scores).reduce((a, b) => a + b, 0);
        return {
          id: `${e.id}-${j}`,
          round_id: "round-1",
          entry_id: e.id,
          judge_id: `judge-${j}`,
          status: "submitted",
          scores: JSON.stringify(scores),
          deductions: "{}",
          comment: null,
          total,
          created_at: now,
          updated_at: now,
          submitted_at: now,
        };
      }),
    );
    await db.batchInsert("assignments", sheets, 500);
    const organizer = {
      id: "organizer",
      email: "organizer@bench.local",
      name: "organizer",
      role: "organizer" as const,
      city: null,
      unit: null,
      expertise: [],
    };
    const started = performance.now();
    const results = await computeContestResults(ctx, organizer, "contest");
    const seconds = (performance.now() - started) / 1000;
    return [
      `results for ${entryCount} entries × ${JUDGES} sheets from SQLite: ${seconds.toFixed(2)} s (goal ≤ 3 s)`,
      `ranked ${results.results.length}, prizes ${results.rules.prizeCounts.perLevel.first}/${results.rules.prizeCounts.perLevel.second}/${results.rules.prizeCounts.perLevel.third}`,
    ];
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await runResultsBench(Number(process.argv[2] ?? 100_000))) console.log(line);
}
