import type { Knex } from "knex";

/**
 * Every column that holds a storage key. A table that keeps files must be listed here, or the startup
 * sweep takes its files for orphans (test/unit/storage/sweep.test.ts checks the schema against this list).
 */
export const STORAGE_KEY_COLUMNS: readonly (readonly [table: string, column: string])[] = [
  ["entry_files", "storage_key"],
  ["entry_files", "blind_storage_key"],
  ["objections", "evidence_key"],
  ["report_files", "storage_key"],
];

/** The storage keys some row points at. */
export async function referencedKeys(db: Knex): Promise<Set<string>> {
  const [first, ...rest] = STORAGE_KEY_COLUMNS.map(([table, column]) =>
    db(table).whereNotNull(column).select(`${column} as storage_key`),
  );
  const rows = (await first.union(rest)) as { storage_key: string }[];
  return new Set(rows.map((r) => r.storage_key));
}
