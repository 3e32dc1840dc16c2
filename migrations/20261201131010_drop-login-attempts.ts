import type { Knex } from "knex";

// The failed-login log counted after the password check, which parallel guesses outran; login_limits replaces it.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.dropTable("login_attempts");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.createTable("login_attempts", (t) => {
    t.increments("id").primary();
    t.string("email", 254).notNullable();
    t.string("ip", 64).notNullable();
    t.string("at", 30).notNullable();
    t.index(["email", "at"]);
    t.index(["ip", "at"]);
  });
}
