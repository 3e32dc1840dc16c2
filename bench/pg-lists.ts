// PostgreSQL list queries (issue 11, goal 7): a seeded database of realistic size (100,000 entries,
// 5,000 judges, 500,000 sheets), each list page's query timed against one `SELECT count(*)` over the
// same table in the same run, before and after this issue's index migrations. Runs only with
// DATABASE_URL set, in a schema of its own that is dropped afterwards.
// Run: DATABASE_URL=postgres://… npm run bench -- pg-lists

import { performance } from "node:perf_hooks";
import { migrations } from "../migrations/index.js";
import { listUsers } from "../src/accounts/accounts.queries.js";
import { CITIES } from "../src/accounts/cities.js";
import { auditActions, auditActors, listAudit } from "../src/audit/audit.queries.js";
import { createDb, type Db } from "../src/db/knex.js";
import { migrateLatest } from "../src/db/migrate.js";
import { listEntries, listOwnEntries } from "../src/entries/entries.queries.js";
import { judgeQueue } from "../src/judging/judging.queries.js";
import {
  entriesByCity,
  entriesByUnit,
  recommendationsByCity,
  type StatisticsScope,
} from "../src/statistics/statistics.queries.js";

// Migrations of this issue's index work: undone for the "before" figures, applied for the "after" ones.
const INDEX_MIGRATIONS = Object.keys(migrations).filter((name) => name >= "20261203100000" && name < "20261203110000");

const CONTESTS = 10;
const SHEETS_PER_ENTRY = 5;

/** The week's sizes for this many entries: a judge per 20 entries, a contestant per 5. */
function sizes(entries: number) {
  return { ENTRIES: entries, JUDGES: entries / 20, CONTESTANTS: entries / 5 };
}
type Sizes = ReturnType<typeof sizes>;

/** Seeds in SQL (generate_series): a few seconds, where inserting through knex would take minutes. */
async function seed(db: Db, { ENTRIES, JUDGES, CONTESTANTS }: Sizes): Promise<void> {
  const now = new Date().toISOString();
  const cities = `(array[${CITIES.map((c) => `'${c.name}'`).join(",")}])`;
  // By i / CONTESTS, so that every contest (1 + i % CONTESTS) has entries of every city.
  const city = (i: string) => `${cities}[1 + (${i} / ${CONTESTS}) % ${CITIES.length}]`;
  await db.raw(
    `INSERT INTO users (id, email, password_hash, name, role, city, unit, created_at, updated_at)
     SELECT 'u-' || i, 'u' || i || '@bench.local', 'x', '用户 ' || i,
       CASE WHEN i <= ? THEN 'judge' WHEN i <= ? THEN 'coordinator' ELSE 'contestant' END,
       ${city("i")}, '单位 ' || (i % 700), ?, ? FROM generate_series(1, ?) i`,
    [JUDGES, JUDGES + 100, now, now, JUDGES + 100 + CONTESTANTS],
  );
  await db.raw(
    `INSERT INTO contests (id, kind, title, stage, opens_at, closes_at, judges_per_entry, rubric, rules, prizes,
       aggregation, created_at, updated_at)
     SELECT 'c-' || c, 'video', '大赛 ' || c, 'judging', ?, ?, ?, '{}', '{}', '{}', 'mean',
       to_char(timestamp '2026-01-01' + c * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), ?
     FROM generate_series(1, ?) c`,
    [now, now, SHEETS_PER_ENTRY, now, CONTESTS],
  );
  await db.raw(
    `INSERT INTO rounds (id, contest_id, number, name, status, created_at)
     SELECT 'r-' || c, 'c-' || c, 1, 'round.first', 'open', ? FROM generate_series(1, ?) c`,
    [now, CONTESTS],
  );
  // Entry i belongs to contest 1 + i % CONTESTS; a seventh are withdrawn, a third recommended by their city.
  await db.raw(
    `INSERT INTO entries (id, contest_id, seq, code, owner_id, title, category, city, unit, authors,
       first_author_key, unit_key, status, recommended_at, recommended_city, created_at, updated_at)
     SELECT 'e-' || i, 'c-' || (1 + i % ?), i, 'V' || lpad(i::text, 6, '0'), 'u-' || (? + 1 + i % ?),
       '作品 ' || i, '科普', ${city("i")}, '单位 ' || (i % 700), '[]', 'a' || i, 'k' || (i % 700),
       CASE WHEN i % 7 = 0 THEN 'withdrawn' ELSE 'submitted' END,
       CASE WHEN i % 3 = 0 THEN ? END, CASE WHEN i % 3 = 0 THEN ${city("i")} END, ?, ?
     FROM generate_series(1, ?) i`,
    [CONTESTS, JUDGES + 100, CONTESTANTS, now, now, now, ENTRIES],
  );
  await db.raw(
    `INSERT INTO assignments (id, round_id, entry_id, judge_id, status, scores, total, created_at, updated_at, submitted_at)
     SELECT 'a-' || i || '-' || k, 'r-' || (1 + i % ?), 'e-' || i, 'u-' || (1 + (i * ? + k) % ?), 'submitted',
       '{"science":40}', 40, ?, ?, ?
     FROM generate_series(1, ?) i, generate_series(0, ? - 1) k`,
    [CONTESTS, SHEETS_PER_ENTRY, JUDGES, now, now, now, ENTRIES, SHEETS_PER_ENTRY],
  );
  // The log as the week writes it: each contest's records together, oldest contest first.
  await db.raw(
    `INSERT INTO audit_log (at, actor_id, action, target_type, target_id)
     SELECT ?, 'u-' || (1 + n % 100), CASE WHEN n % 2 = 0 THEN 'entry.update' ELSE 'entry.safety' END, 'entry',
       'e-' || (1 + n % ?)
     FROM generate_series(0, ? - 1) n ORDER BY (1 + n % ?) % ?, n`,
    [now, ENTRIES, 2 * ENTRIES, ENTRIES, CONTESTS],
  );
  await db.raw("ANALYZE");
}

/** Median of a few runs, in ms. */
async function time(run: () => Promise<unknown>, times = 5): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const start = performance.now();
    await run();
    ms.push(performance.now() - start);
  }
  return ms.sort((a, b) => a - b)[Math.floor(times / 2)];
}

interface ListQuery {
  what: string;
  table: string;
  run: (db: Db) => Promise<unknown>;
}

const stats = (db: Db, scope: StatisticsScope) =>
  Promise.all([entriesByCity(db, scope), recommendationsByCity(db, scope), entriesByUnit(db, scope)]);

const queries = ({ JUDGES }: Sizes): ListQuery[] => [
  { what: "coordinator's whole-week statistics (city)", table: "entries", run: (db) => stats(db, { city: "保定" }) },
  {
    what: "coordinator's contest statistics",
    table: "entries",
    run: (db) => stats(db, { contestId: "c-1", city: "保定" }),
  },
  { what: "organizer's contest statistics", table: "entries", run: (db) => stats(db, { contestId: "c-1" }) },
  { what: "organizer's whole-week statistics (accepted whole read)", table: "entries", run: (db) => stats(db, {}) },
  {
    what: "coordinator's entry list (his city in one contest)",
    table: "entries",
    run: (db) => listEntries(db, { contestId: "c-1", city: "保定" }),
  },
  { what: "contestant's entries", table: "entries", run: (db) => listOwnEntries(db, `u-${JUDGES + 101}`) },
  { what: "judge's queue", table: "assignments", run: (db) => judgeQueue(db, "u-1") },
  { what: "audit log, first page", table: "audit_log", run: (db) => listAudit(db, { limit: 50, offset: 0 }) },
  {
    what: "audit log of the oldest contest, first page",
    table: "audit_log",
    run: (db) => listAudit(db, { contestId: "c-1", limit: 50, offset: 0 }),
  },
  {
    what: "audit log by actor, first page",
    table: "audit_log",
    run: (db) => listAudit(db, { actorId: "u-7", limit: 50, offset: 0 }),
  },
  { what: "audit filter: actions", table: "audit_log", run: (db) => auditActions(db) },
  { what: "audit filter: actors", table: "audit_log", run: (db) => auditActors(db) },
  { what: "users page (judges)", table: "users", run: (db) => listUsers(db, { role: "judge" }) },
];

async function measure(db: Db, QUERIES: ListQuery[]): Promise<Map<string, { ms: number; count: number }>> {
  const counts = new Map<string, number>();
  for (const table of new Set(QUERIES.map((q) => q.table)))
    counts.set(table, await time(() => db(table).count({ n: "*" })));
  const out = new Map<string, { ms: number; count: number }>();
  for (const q of QUERIES) out.set(q.what, { ms: await time(() => q.run(db)), count: counts.get(q.table)! });
  return out;
}

const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;

export async function runPgListsBench(entries = 100_000): Promise<string[]> {
  const size = sizes(entries);
  const { ENTRIES, JUDGES } = size;
  const QUERIES = queries(size);
  const url = process.env.DATABASE_URL;
  if (!url) return ["skipped: the PostgreSQL list bench needs DATABASE_URL"];
  const schema = `bench_pg_lists_${process.pid}`;
  const db = createDb({ databaseUrl: url, pgSchema: schema });
  try {
    await migrateLatest(db);
    const start = performance.now();
    await seed(db, size);
    const lines = [
      `seeded ${ENTRIES.toLocaleString("en")} entries, ${JUDGES.toLocaleString("en")} judges, ${(ENTRIES * SHEETS_PER_ENTRY).toLocaleString("en")} sheets, ${(2 * ENTRIES).toLocaleString("en")} audit records in ${ms(performance.now() - start)}`,
    ];
    for (const name of [...INDEX_MIGRATIONS].reverse()) await migrations[name].down(db);
    await db.raw("ANALYZE");
    const before = await measure(db, QUERIES);
    for (const name of INDEX_MIGRATIONS) await migrations[name].up(db);
    await db.raw("ANALYZE");
    const after = await measure(db, QUERIES);
    for (const q of QUERIES) {
      const b = before.get(q.what)!;
      const a = after.get(q.what)!;
      lines.push(
        `${q.what}: ${ms(b.ms)} → ${ms(a.ms)} after the index migrations | count(*) over ${q.table}: ${ms(b.count)} → ${ms(a.count)} | ${(b.ms / b.count).toFixed(2)}× → ${(a.ms / a.count).toFixed(2)}× (goal: an index, not a whole-table read)`,
      );
    }
    return lines;
  } finally {
    await db.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.destroy();
  }
}
