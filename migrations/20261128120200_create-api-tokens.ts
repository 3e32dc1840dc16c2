import type { Knex } from "knex";

// Bearer tokens are stored as SHA-256 hashes only.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("api_tokens", (t) => {
    t.string("id", 36).primary();
    t.string("user_id", 36).notNullable().references("id").inTable("users").onDelete("CASCADE").index();
    t.string("token_hash", 64).notNullable().unique();
    t.string("created_at", 30).notNullable();
    t.string("expires_at", 30).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("api_tokens");
}
