import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import pino, { type Logger } from "pino";
import request from "supertest";
import { ensureFirstOrganizer } from "../../src/accounts/accounts.passwords.service.js";
import type { PublicUser } from "../../src/accounts/accounts.service.js";
import { createApp } from "../../src/app.js";
import { loadConfig, type Config } from "../../src/config.js";
import type { AppContext } from "../../src/context.js";
import { createDb, type Db } from "../../src/db/knex.js";
import { migrateLatest } from "../../src/db/migrate.js";
import type { Clock } from "../../src/lib/clock.js";
import { closeLiveBus } from "../../src/live/live.bus.js";
import { LocalDiskStorage } from "../../src/storage/local-disk.js";

export const ADMIN = { email: "admin@test.local", password: "Organizer-pass-2026" };

export interface TestApp {
  url: string;
  server: Server;
  ctx: AppContext;
  db: Db;
  dir: string;
  http: ReturnType<typeof request.agent>;
  close(): Promise<void>;
}

/** A settable clock for tests that move time. */
export class TestClock implements Clock {
  constructor(private current = new Date()) {}
  now(): Date {
    return new Date(this.current);
  }
  set(date: Date | string): void {
    this.current = new Date(date);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/**
 * One migrated SQLite file per test process: each test app starts from a copy of it instead of running
 * every migration again (the copy then checks, as the server does, that none is pending).
 */
let sqliteTemplate: Promise<string> | null = null;
function migratedSqliteFile(): Promise<string> {
  sqliteTemplate ??= (async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "sw-template-"));
    const file = path.join(dir, "app.sqlite");
    const db = createDb({ databaseUrl: null, sqliteFile: file });
    await migrateLatest(db);
    // The last connection closed checkpoints the WAL into the file: the file alone is the database.
    await db.destroy();
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    return file;
  })();
  return sqliteTemplate;
}

/**
 * The real app on an ephemeral port against a fresh database: an SQLite file in a temp folder, or,
 * when DATABASE_URL is set (CI's PostgreSQL run), a schema of its own in that database.
 */
export async function startTestApp(
  options: { clock?: Clock; env?: Record<string, string>; logger?: Logger } = {},
): Promise<TestApp> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sw-test-"));
  const pgUrl = process.env.DATABASE_URL || null;
  const config: Config = loadConfig(
    {
      DATA_DIR: path.join(dir, "data"),
      UPLOAD_DIR: path.join(dir, "uploads"),
      SESSION_SECRET: "test-secret-0123456789",
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ...(pgUrl ? { DATABASE_URL: pgUrl } : {}),
      ...options.env,
    },
    dir,
  );
  const pgSchema = pgUrl
    ? `t_${path
        .basename(dir)
        .replace(/[^a-z0-9]/gi, "")
        .toLowerCase()}`
    : undefined;
  const sqliteFile = path.join(dir, "data", "app.sqlite");
  if (!pgUrl) {
    mkdirSync(path.dirname(sqliteFile), { recursive: true });
    copyFileSync(await migratedSqliteFile(), sqliteFile);
  }
  const logger = options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const db = createDb({ databaseUrl: config.databaseUrl, sqliteFile, pgSchema, logger });
  await migrateLatest(db);
  const ctx: AppContext = {
    config,
    db,
    storage: new LocalDiskStorage(config.uploadDir),
    clock: options.clock ?? { now: () => new Date() },
    logger,
  };
  await ensureFirstOrganizer(ctx);
  const server = createApp(ctx).listen(0);
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    ctx,
    db,
    dir,
    http: request.agent(server),
    async close() {
      await closeLiveBus(ctx);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (pgSchema) await db.raw(`DROP SCHEMA IF EXISTS "${pgSchema}" CASCADE`);
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A bearer token for these credentials, through the real API. */
export async function tokenFor(app: TestApp, email: string, password: string): Promise<string> {
  const res = await request(app.server).post("/api/v1/auth/token").send({ email, password });
  if (res.status !== 200) throw new Error(`login of ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

/** Bearer-token calls of one actor (none: anonymous) through the real API. */
export function as(app: TestApp, token: string | null) {
  const auth = (req: request.Test) => (token ? req.set("Authorization", `Bearer ${token}`) : req);
  return {
    get: (path: string) => auth(request(app.server).get(path)),
    post: (path: string, body?: object) => auth(request(app.server).post(path)).send(body),
    put: (path: string, body?: object) => auth(request(app.server).put(path)).send(body),
  };
}

export interface Actor {
  user: PublicUser;
  email: string;
  password: string;
  token: string;
}

let counter = 0;

/** Creates a user of a role through the organizer's API and logs him in. */
export async function createActor(
  app: TestApp,
  role: "organizer" | "coordinator" | "judge" | "contestant" | "reporter",
  overrides: Record<string, unknown> = {},
): Promise<Actor> {
  const adminToken = await tokenFor(app, ADMIN.email, ADMIN.password);
  counter += 1;
  const email = `${role}${counter}-${Date.now()}@example.org`;
  const password = "Secret-pass-42";
  const body = {
    email,
    password,
    name: `${role} ${counter}`,
    role,
    city: "石家庄",
    unit: `单位 ${counter}`,
    ...overrides,
  };
  const res = await request(app.server).post("/api/v1/users").set("Authorization", `Bearer ${adminToken}`).send(body);
  if (res.status !== 201) throw new Error(`creating ${role} failed: ${res.status} ${JSON.stringify(res.body)}`);
  // As if he had already chosen his own password at first login, so tests go straight to his pages.
  await app.db("users").where({ id: res.body.user.id }).update({ must_change_password: false });
  const { mustChangePassword: _set, ...user } = res.body.user as PublicUser;
  return {
    user,
    email: String(body.email),
    password,
    token: await tokenFor(app, String(body.email), password),
  };
}

/** The domain tables (not sessions, tokens or login attempts), each with the columns that order it. */
const DOMAIN_TABLES: Record<string, string[]> = {
  users: ["created_at", "id"],
  contests: ["created_at", "id"],
  audit_log: ["id"],
  entries: ["created_at", "id"],
  entry_files: ["created_at", "id"],
  rounds: ["created_at", "id"],
  round_judges: ["round_id", "judge_id"],
  round_entries: ["round_id", "entry_id"],
  judge_declarations: ["contest_id", "judge_id"],
  declared_conflicts: ["judge_id", "entry_id"],
  assignments: ["created_at", "id"],
  score_history: ["id"],
  computed_results: ["contest_id", "round_id"],
  result_snapshots: ["created_at", "id"],
  objections: ["created_at", "id"],
  award_choices: ["contest_id", "award_key", "entry_id"],
  short_panel_acceptances: ["accepted_at", "id"],
  live_finals: ["round_id"],
  live_slots: ["round_id", "entry_id"],
  live_timings: ["round_id", "entry_id", "segment"],
  live_sheets: ["id"],
  live_topics: ["id"],
  units: ["created_at", "id"],
  report_weeks: ["created_at", "id"],
  activities: ["created_at", "id"],
  news_reports: ["filed_at", "id"],
  unit_summaries: ["filed_at", "id"],
  report_files: ["created_at", "id"],
  city_packages: ["submitted_at", "id"],
  report_evaluations: ["created_at", "week_id"],
};

/** Every row of every domain table, to assert that a refused request wrote nothing. */
export async function snapshot(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(DOMAIN_TABLES)) out[table] = await db(table).select("*").orderBy(order);
  return out;
}

/** A valid contest body for the API. */
export function contestBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Date.now();
  return {
    kind: "video",
    title: "2026 科普微视频大赛",
    opensAt: new Date(now - 86_400_000).toISOString(),
    closesAt: new Date(now + 30 * 86_400_000).toISOString(),
    ...overrides,
  };
}
