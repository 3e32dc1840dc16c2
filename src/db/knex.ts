import { mkdirSync } from "node:fs";
import path from "node:path";
import knexFactory, { type Knex } from "knex";
import type { Logger } from "pino";

export type Db = Knex;

export interface DbOptions {
  /** postgres://… for PostgreSQL; null for an SQLite file. */
  databaseUrl: string | null;
  sqliteFile?: string;
  /** PostgreSQL schema to use (tests give each app its own). */
  pgSchema?: string;
  /** Where knex's own warnings go (a lost connection, a failed connect): the app's log, not bare stderr. */
  logger?: Logger;
}

function knexLog(logger: Logger | undefined): Knex.Logger | undefined {
  if (!logger) return undefined;
  return {
    warn: (message: unknown) => logger.warn({ knex: String(message) }, "database warning"),
    error: (message: unknown) => logger.error({ knex: String(message) }, "database error"),
    debug: (message: unknown) => logger.debug({ knex: String(message) }, "database debug"),
    deprecate: (method: string, alternative: string) => logger.warn({ method, alternative }, "knex deprecation"),
  };
}

interface SqliteConnection {
  run(sql: string, done: (err: Error | null) => void): void;
  all(sql: string, ...rest: unknown[]): unknown;
}

/**
 * knex begins every transaction DEFERRED. One that has read and then writes while another process holds
 * the write lock (a backup, a sqlite3 shell) gets SQLITE_BUSY at once: SQLite runs its busy handler only
 * for a transaction that holds nothing yet. IMMEDIATE takes the write lock at BEGIN, where the busy
 * timeout applies. With one connection per process, nothing here ever waits on itself.
 */
function beginImmediate(conn: SqliteConnection): void {
  const all = conn.all.bind(conn);
  conn.all = (sql, ...rest) => all(sql === "BEGIN;" ? "BEGIN IMMEDIATE;" : sql, ...rest);
}

/**
 * How long a request waits for a pooled connection before it is answered 503 (instead of knex's minute):
 * a PostgreSQL that refuses connections fails at once, one that does not answer at all fails here.
 */
const ACQUIRE_TIMEOUT_MS = 10_000;

/** SQLite in WAL mode with foreign keys and a busy timeout, or PostgreSQL by URL. */
export function createDb(options: DbOptions): Db {
  if (options.databaseUrl) {
    return knexFactory({
      client: "pg",
      connection: options.databaseUrl,
      log: knexLog(options.logger),
      searchPath: options.pgSchema ? [options.pgSchema] : undefined,
      pool: {
        min: 0,
        max: 10,
        acquireTimeoutMillis: ACQUIRE_TIMEOUT_MS,
        afterCreate: options.pgSchema
          ? (
              conn: { query: (sql: string, cb: (err: Error | null) => void) => void },
              done: (err: Error | null, c: unknown) => void,
            ) => {
              conn.query(
                `CREATE SCHEMA IF NOT EXISTS "${options.pgSchema}"; SET search_path TO "${options.pgSchema}"`,
                (err) => done(err, conn),
              );
            }
          : undefined,
      },
    });
  }
  const file = options.sqliteFile ?? path.resolve("data", "app.sqlite");
  mkdirSync(path.dirname(file), { recursive: true });
  return knexFactory({
    client: "sqlite3",
    connection: { filename: file },
    log: knexLog(options.logger),
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      acquireTimeoutMillis: ACQUIRE_TIMEOUT_MS,
      afterCreate: (conn: SqliteConnection, done: (err: Error | null, c: unknown) => void) => {
        // synchronous FULL: every acknowledged commit is on disk (NORMAL in WAL mode may lose the last ones on a power cut).
        const pragmas = [
          // The brief retry of a busy or locked database; past it the request is answered 503. First: the
          // switch to WAL of a new file waits on another process's lock too (two processes starting at once).
          "PRAGMA busy_timeout = 5000",
          "PRAGMA journal_mode = WAL",
          "PRAGMA foreign_keys = ON",
          "PRAGMA synchronous = FULL",
        ];
        beginImmediate(conn);
        const next = (i: number): void => {
          if (i === pragmas.length) return done(null, conn);
          conn.run(pragmas[i], (err) => (err ? done(err, conn) : next(i + 1)));
        };
        next(0);
      },
    },
  });
}
