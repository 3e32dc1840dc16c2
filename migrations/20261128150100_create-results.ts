import type { Knex } from "knex";

// The latest computed results of a contest (for review), and the frozen snapshots made public.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("computed_results", (t) => {
    t.string("contest_id", 36).primary().references("id").inTable("contests");
    t.string("round_id", 36).notNullable();
    t.string("computed_at", 30).notNullable();
    t.text("data").notNullable();
  });
  await knex.schema.createTable("result_snapshots", (t) => {
    t.string("id", 36).primary();
    t.string("contest_id", 36).notNullable().references("id").inTable("contests");
    t.integer("number").notNullable();
    t.string("kind", 20).notNullable();
    t.text("canonical_json").notNullable();
    t.string("sha256", 64).notNullable();
    t.string("created_at", 30).notNullable();
    t.unique(["contest_id", "number"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("result_snapshots");
  await knex.schema.dropTable("computed_results");
}
