import type { Knex } from "knex";

// Public vote counts (网络投票, DESIGN §3), recorded by organizers when a contest gives the vote a weight.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("entries", (t) => {
    t.integer("public_votes").nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("entries", (t) => {
    t.dropColumn("public_votes");
  });
}
