import type { Knex } from "knex";

// One file per role per entry; the bytes live in storage under a random key.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("entry_files", (t) => {
    t.string("id", 36).primary();
    t.string("entry_id", 36).notNullable().references("id").inTable("entries").onDelete("CASCADE");
    t.string("role", 20).notNullable();
    t.string("storage_key", 36).notNullable().unique();
    t.string("original_name", 255).notNullable();
    t.string("content_type", 10).notNullable();
    t.bigInteger("size").notNullable();
    t.string("sha256", 64).notNullable().index();
    t.text("probe").nullable();
    t.string("created_at", 30).notNullable();
    t.unique(["entry_id", "role"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("entry_files");
}
