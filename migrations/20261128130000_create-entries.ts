import type { Knex } from "knex";

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("entries", (t) => {
    t.string("id", 36).primary();
    t.string("contest_id", 36).notNullable().references("id").inTable("contests").index();
    t.integer("seq").notNullable();
    t.string("code", 40).notNullable();
    t.string("owner_id", 36).notNullable().references("id").inTable("users").index();
    t.string("title", 200).notNullable();
    t.text("summary").notNullable().defaultTo("");
    t.string("category", 40).notNullable();
    t.string("city", 20).notNullable();
    t.string("unit", 200).notNullable().defaultTo("");
    t.text("authors").notNullable();
    // Normalized for the per-author and per-unit limits.
    t.string("first_author_key", 100).notNullable();
    t.string("unit_key", 200).notNullable();
    t.string("status", 20).notNullable();
    t.text("status_reason").nullable();
    t.string("recommended_at", 30).nullable();
    t.string("recommended_by", 36).nullable().references("id").inTable("users");
    t.string("created_at", 30).notNullable();
    t.string("updated_at", 30).notNullable();
    t.unique(["contest_id", "seq"]);
    t.unique(["contest_id", "code"]);
    t.index(["contest_id", "city"]);
    t.index(["contest_id", "first_author_key"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("entries");
}
