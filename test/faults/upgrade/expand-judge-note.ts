import type { Knex } from "knex";

/** Its name in knex_migrations: after every migration of the app. */
export const EXPAND_MIGRATION = "20271201120000_expand-judge-note.ts";

// The "expand" half of an upgrade, as the next version would ship it: a nullable column on the table
// the old processes write on every score save. Old code never names it, so its writes go on unchanged.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("assignments", (t) => {
    t.text("judge_note").nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("assignments", (t) => {
    t.dropColumn("judge_note");
  });
}
