import type { Knex } from "knex";

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("users", (t) => {
    t.string("id", 36).primary();
    t.string("email", 254).notNullable().unique();
    t.string("password_hash", 255).notNullable();
    t.string("name", 100).notNullable();
    t.string("role", 20).notNullable().index();
    t.string("city", 20).nullable();
    t.string("unit", 200).nullable();
    t.text("expertise").notNullable().defaultTo("[]");
    t.boolean("disabled").notNullable().defaultTo(false);
    t.string("created_at", 30).notNullable();
    t.string("updated_at", 30).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("users");
}
