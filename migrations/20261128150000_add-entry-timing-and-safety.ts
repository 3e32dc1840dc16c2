import type { Knex } from "knex";

// An explainer talk's measured time, and the experiment safety check (an unsafe entry is not ranked).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("entries", (t) => {
    t.integer("talk_seconds").nullable();
    t.boolean("safety_failed").notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("entries", (t) => {
    t.dropColumn("safety_failed");
    t.dropColumn("talk_seconds");
  });
}
