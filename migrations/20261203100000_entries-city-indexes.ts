import type { Knex } from "knex";

// A coordinator's whole-week statistics count his city's entries and recommendations across every
// contest: the (contest_id, city) indexes cannot serve a filter without the contest (issue 11, goal 7).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("entries", (t) => {
    t.index(["city"]);
    t.index(["recommended_city"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("entries", (t) => {
    t.dropIndex(["recommended_city"]);
    t.dropIndex(["city"]);
  });
}
