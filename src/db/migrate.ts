import type { Knex } from "knex";
import { migrations as appMigrations } from "../../migrations/index.js";
import type { Db } from "./knex.js";

export type MigrationList = Record<string, Knex.Migration>;

/** How long a starting process waits for another one's migrations before it gives up. */
const LOCK_WAIT_MS = 120_000;
const LOCK_POLL_MS = 200;

/**
 * Applies every pending migration of `list` (the app's own unless a test names another); answers the
 * names applied. Several processes may start at once (systemd, a rolling upgrade): one migrates, the
 * others wait for it and then find nothing left to do (README "Upgrading").
 */
export async function migrateLatest(db: Db, list: MigrationList = appMigrations): Promise<string[]> {
  const source: Knex.MigrationSource<string> = {
    getMigrations: () => Promise.resolve(Object.keys(list)),
    getMigrationName: (name) => name,
    getMigration: (name) => Promise.resolve(list[name]),
  };
  await ensureMigrationTables(db);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const [, applied] = (await db.migrate.latest({
        migrationSource: source,
        // A database ahead of this code is the middle of an upgrade: an old process restarted while the
        // new version's expand migrations are in must still start (knex would call the list "corrupt").
        disableMigrationsListValidation: true,
        beforeAll: refuseStaleList,
      })) as [number, string[]];
      return applied;
    } catch (err) {
      if (err instanceof StaleMigrationList) continue;
      // knex does not wait for its lock: a batch with a non-transactional migration holds it committed,
      // and SQLite's busy timeout may run out during another process's batch. Wait here instead.
      if (!(err instanceof Error && err.name === "MigrationLocked")) throw err;
      await waitForUnlock(db, deadline);
    }
  }
}

class StaleMigrationList extends Error {
  constructor() {
    super("another process applied some of these migrations first: reading the list again");
  }
}

/**
 * Runs once knex holds the lock, before the batch. knex reads the applied migrations before it takes the
 * lock and, when a migration opts out of the batch's transaction, does not read them again: a process
 * that read them while another was migrating would run that one's migrations a second time. Refusing
 * here frees the lock, and `migrateLatest` starts over with a fresh list.
 */
async function refuseStaleList(db: Knex, pending: unknown[]): Promise<void> {
  const applied = new Set((await db<{ name: string }>("knex_migrations").select("name")).map((row) => row.name));
  if (pending.some((name) => applied.has(name as string))) throw new StaleMigrationList();
}

async function waitForUnlock(db: Db, deadline: number): Promise<void> {
  for (;;) {
    const row = await db<{ is_locked: number }>("knex_migrations_lock").first("is_locked");
    if (Number(row?.is_locked) === 0) return;
    if (Date.now() > deadline)
      throw new Error(
        "another process has held the migration lock for two minutes; if none is migrating, set knex_migrations_lock.is_locked to 0",
      );
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

/**
 * knex's own migration and lock tables, as knex makes them, made here first: knex checks for them and
 * then creates them, so two processes starting on a fresh database both create (one start fails) and
 * both insert a lock row (after which every start fails as "already locked").
 */
async function ensureMigrationTables(db: Db): Promise<void> {
  await createIfMissing(db, "knex_migrations", (t) => {
    t.increments();
    t.string("name");
    t.integer("batch");
    t.timestamp("migration_time");
  });
  await createIfMissing(db, "knex_migrations_lock", (t) => {
    t.increments("index").primary();
    t.integer("is_locked");
  });
  await db("knex_migrations_lock").insert({ index: 1, is_locked: 0 }).onConflict("index").ignore();
}

async function createIfMissing(db: Db, table: string, build: (t: Knex.CreateTableBuilder) => void): Promise<void> {
  if (await db.schema.hasTable(table)) return;
  try {
    await db.schema.createTable(table, build);
  } catch (err) {
    // The other process made it between our look and our create.
    if (!(await db.schema.hasTable(table))) throw err;
  }
}
