import type { Knex } from "knex";

// Failed logins, counted per account and per address for rate limiting across processes.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("login_attempts", (t) => {
    t.increments("id").primary();
    t.string("email", 254).notNullable();
    t.string("ip", 64).notNullable();
    t.string("at", 30).notNullable();
    t.index(["email", "at"]);
    t.index(["ip", "at"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("login_attempts");
}
