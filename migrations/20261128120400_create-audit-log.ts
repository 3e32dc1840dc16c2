import type { Knex } from "knex";

// Who changed what and when; never updated or deleted.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("audit_log", (t) => {
    t.increments("id").primary();
    t.string("at", 30).notNullable().index();
    t.string("actor_id", 36).nullable();
    t.string("action", 60).notNullable();
    t.string("target_type", 30).notNullable();
    t.string("target_id", 36).nullable();
    t.text("details").notNullable().defaultTo("{}");
    t.index(["target_type", "target_id"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("audit_log");
}
