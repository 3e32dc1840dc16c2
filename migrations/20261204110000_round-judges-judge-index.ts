import type { Knex } from "knex";

// A judge's rounds (his queue's link to a running live final) are found by judge; the primary key
// (round_id, judge_id) cannot serve that.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("round_judges", (t) => {
    t.index(["judge_id"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("round_judges", (t) => {
    t.dropIndex(["judge_id"]);
  });
}
