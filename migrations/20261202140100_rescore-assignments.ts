import type { Knex } from "knex";

// Re-scoring ordered by an upheld objection (DESIGN §3): the fresh judge's assignment may be scored in
// the notice; the objection remembers it until the organizer republishes.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("assignments", (t) => {
    t.boolean("rescore").notNullable().defaultTo(false);
  });
  await knex.schema.alterTable("objections", (t) => {
    t.string("rescore_assignment_id", 36).nullable();
    t.string("republished_at", 30).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("objections", (t) => {
    t.dropColumn("republished_at");
    t.dropColumn("rescore_assignment_id");
  });
  await knex.schema.alterTable("assignments", (t) => {
    t.dropColumn("rescore");
  });
}
