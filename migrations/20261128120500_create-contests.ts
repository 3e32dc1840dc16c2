import type { Knex } from "knex";

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("contests", (t) => {
    t.string("id", 36).primary();
    t.string("kind", 20).notNullable();
    t.string("title", 200).notNullable();
    t.text("description").notNullable().defaultTo("");
    t.string("stage", 20).notNullable().index();
    t.string("opens_at", 30).notNullable();
    t.string("closes_at", 30).notNullable();
    t.string("notice_ends_at", 30).nullable();
    t.integer("judges_per_entry").notNullable();
    t.text("rubric").notNullable();
    t.text("rules").notNullable();
    t.text("prizes").notNullable();
    t.string("aggregation", 20).notNullable();
    t.string("created_by", 36).nullable().references("id").inTable("users");
    t.string("created_at", 30).notNullable();
    t.string("updated_at", 30).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("contests");
}
