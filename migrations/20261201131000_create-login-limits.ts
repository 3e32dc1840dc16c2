import type { Knex } from "knex";

// Login limits (Trust #2): one counter per account and per client address, reserved atomically before a
// password is checked. A row's window starts at its first attempt; resets_at ends it.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("login_limits", (t) => {
    t.string("limit_key", 600).primary();
    t.integer("attempts").notNullable();
    t.string("resets_at", 30).notNullable();
    t.index(["resets_at"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("login_limits");
}
