import type { Knex } from "knex";
import type { Db } from "./knex.js";

/** Every difference between SQLite and PostgreSQL that the code must know lives here. */
export type DialectName = "sqlite" | "pg";

export function dialectOf(db: Db): DialectName {
  // Knex types its `client` as any; it is the Knex.Client the db was made with.
  const client = String((db.client as Knex.Client).config.client);
  return client === "pg" || client === "postgres" || client === "postgresql" ? "pg" : "sqlite";
}

/** SQLite answers 0/1 for booleans. */
export function toBool(value: unknown): boolean {
  return value === true || value === 1 || value === "1" || value === "t";
}

/** pg answers count() and sum() as strings. */
export function toNumber(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

/** A row refused for a key another one already holds (either database's way of saying so). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === "23505" || e.code === "SQLITE_CONSTRAINT" || /UNIQUE constraint failed/.test(e.message ?? "");
}

/** JSON is stored as text on both databases, so one parse works everywhere. */
export function parseJson<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined || value === "") return fallback;
  return typeof value === "string" ? (JSON.parse(value) as T) : (value as T);
}

/**
 * The Asia/Shanghai calendar day (YYYY-MM-DD) of a column holding an ISO instant, as SQL, so rows
 * group by the day people lived it. Shanghai is UTC+8 all year.
 */
export function shanghaiDaySql(db: Db, column: string): string {
  return dialectOf(db) === "pg"
    ? `to_char(${column}::timestamptz at time zone 'Asia/Shanghai', 'YYYY-MM-DD')`
    : `substr(datetime(${column}, '+8 hours'), 1, 10)`;
}
